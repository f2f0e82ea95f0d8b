export { type Asset, Assets } from './assets.ts';
export { CLOCK_MODES, type ClockMode, ClockSync } from './clock-sync.ts';
export { type Content, ContentInput, Contents } from './content.ts';
export {
  heldBecause,
  onAir,
  type RadioCalendar,
  radioCalendar,
  type ScheduledProgram,
  TIERS,
  type Tier,
} from './on-air.ts';
export { PLAY_STATUSES, type PlayStatus } from './play-log.ts';
export {
  type Actor,
  AnnouncementInput,
  EmergencyInput,
  PROGRAM_STATES,
  type Program,
  ProgramInput,
  Programs,
} from './programs.ts';
export { Radio } from './radio.ts';
export { commandEngine, ESPEAK_NG, type SpeechEngine } from './speech.ts';
