import { type Command, PRIORITIES, type Priority } from '../../../protocol/index.ts';

type PlayCommand = Extract<Command, { type: 'play' }>;

const rank = (priority: Priority) => PRIORITIES.indexOf(priority);

/** What a node does with a play at its start_at, given what it has on air (docs/protocol.md). */
export type StartDecision =
  | {
      start: true;
      /** Where in the content to start: its offset plus however late the start is. */
      offsetS: number;
      /** When it stops: the end of its content or its end_at, whichever comes first. */
      endMs: number;
      /** How what was on air ends: done if its end_at has come, else stopped (preempted). */
      current: 'done' | 'stopped' | undefined;
    }
  | { start: false; error: string };

/**
 * The tier rule of a loudspeaker node, for the real node and the simulated one alike: a higher or
 * equal tier takes the air; a lower one is refused while a higher one plays, unless that one's
 * end_at has come; a play whose time is over is refused; a late one joins where the program is.
 */
export function decideStart(
  command: PlayCommand,
  current: PlayCommand | undefined,
  nowMs: number,
): StartDecision {
  const currentEnd = current?.end_at ? Date.parse(current.end_at) : Number.POSITIVE_INFINITY;
  if (current && rank(command.priority) < rank(current.priority) && currentEnd > nowMs)
    return { start: false, error: `playing ${current.priority} program ${current.program}` };
  const offsetS = command.offset_s + Math.max(0, nowMs - Date.parse(command.start_at)) / 1000;
  const lengthS = (command.asset ?? command.stream)!.duration_s;
  const endMs = Math.min(
    nowMs + (lengthS - offsetS) * 1000,
    command.end_at ? Date.parse(command.end_at) : Number.POSITIVE_INFINITY,
  );
  if (endMs <= nowMs) return { start: false, error: 'too late: its time is over' };
  return { start: true, offsetS, endMs, current: current && (currentEnd <= nowMs ? 'done' : 'stopped') };
}
