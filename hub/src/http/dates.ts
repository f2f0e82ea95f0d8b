import { z } from 'zod';
import { isRealDate, wallClock } from '../config/index.ts';

const Instant = z.iso.datetime({ offset: true });

/** An ISO date-time with a time zone offset (or Z); zod also refuses impossible dates in it. */
const isInstant = (value: string): boolean => Instant.safeParse(value).success;

/** A day in the site's time zone, YYYY-MM-DD, as every route takes dates (docs/api.md). */
export const SiteDate = z.string().refine(isRealDate, { error: 'api.siteDate' });

/** A whole site-time day, or an exact instant. */
export const SiteDateOrInstant = z
  .string()
  .refine((value) => isRealDate(value) || isInstant(value), { error: 'api.siteDateOrInstant' });

/**
 * An instant as the site's wall clock reads it, with the offset: "2026-11-20T08:00:00+07:00".
 * Answers give instants this way so they read like the dates next to them (site time).
 */
export function siteIso(timezone: string, ms: number): string {
  const part = wallClock(timezone, new Date(ms));
  const millis = ms % 1000 === 0 ? '' : `.${String(((ms % 1000) + 1000) % 1000).padStart(3, '0')}`;
  return `${part.year}-${part.month}-${part.day}T${part.hour}:${part.minute}:${part.second}${millis}${part.offset}`;
}
