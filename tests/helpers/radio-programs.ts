import fc from 'fast-check';
import { type ScheduledProgram, TIERS } from '../../hub/src/broadcasts/on-air.ts';

const MIN = 60_000;

/**
 * Up to `maxLength` one-off programs of any tier on 23/11/2026, each starting between 09:00 and
 * 11:59 for 1 to 60 minutes, in some of `zones`: the inputs of the radio's property tests.
 */
export function morningPrograms(
  zones: readonly string[],
  maxLength: number,
): fc.Arbitrary<ScheduledProgram[]> {
  return fc.uniqueArray(
    fc.record({
      id: fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5', 'p6'),
      tier: fc.constantFrom(...TIERS),
      zones: fc.subarray([...zones], { minLength: 1 }),
      schedule: fc.record({
        from: fc.constant('2026-11-23'),
        time: fc
          .tuple(fc.integer({ min: 9, max: 11 }), fc.integer({ min: 0, max: 59 }))
          .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
        recurrence: fc.constant({ kind: 'once' as const }),
      }),
      durationMs: fc.integer({ min: 1, max: 60 }).map((m) => m * MIN),
    }),
    { maxLength, selector: (p) => p.id },
  );
}
