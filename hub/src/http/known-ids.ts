import { z } from 'zod';
import type { SiteConfig } from '../config/index.ts';

/**
 * A desk or official the site config knows. An unknown one is refused (400, listing those that
 * exist) rather than answered with zeros: a typo must not read as "nobody rated this desk".
 */
export const deskId = (config: SiteConfig) => z.enum(ids(config.desks));
export const officerId = (config: SiteConfig) => z.enum(ids(config.officials));

const ids = (list: ReadonlyArray<{ id: string }>) => list.map((x) => x.id) as [string, ...string[]];
