import * as api from './api.ts';
import * as app from './app.ts';
import * as board from './board.ts';
import * as cli from './cli.ts';
import * as demo from './demo.ts';
import * as help from './help.ts';

/** Vietnamese, the first language of everything users read; one catalogue file per area. */
export const vi = { ...api.vi, ...app.vi, ...board.vi, ...cli.vi, ...demo.vi, ...help.vi } as const;

export type MessageKey = keyof typeof vi;
