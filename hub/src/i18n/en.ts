import * as api from './api.ts';
import * as app from './app.ts';
import * as board from './board.ts';
import * as cli from './cli.ts';
import * as demo from './demo.ts';
import * as help from './help.ts';
import type { MessageKey } from './vi.ts';

export const en = {
  ...api.en,
  ...app.en,
  ...board.en,
  ...cli.en,
  ...demo.en,
  ...help.en,
} as const satisfies Record<MessageKey, string>;
