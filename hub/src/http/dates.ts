import { z } from 'zod';
import { isRealDate } from '../config/index.ts';

export { siteIso } from '../config/calendar.ts';

const Instant = z.iso.datetime({ offset: true });

/** An ISO date-time with a time zone offset (or Z); zod also refuses impossible dates in it. */
const isInstant = (value: string): boolean => Instant.safeParse(value).success;

/** A day in the site's time zone, YYYY-MM-DD, as every route takes dates (docs/api.md). */
export const SiteDate = z.string().refine(isRealDate, { error: 'api.siteDate' });

/** A whole site-time day, or an exact instant. */
export const SiteDateOrInstant = z
  .string()
  .refine((value) => isRealDate(value) || isInstant(value), { error: 'api.siteDateOrInstant' });
