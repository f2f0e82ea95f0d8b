export { boardUrls, isLoopbackOnly, reachableHosts } from './board-address.ts';
export { advance, DEFAULT_MARGIN_MS, DemoClock, demoStart, shownDay, shownDayFrom } from './clock.ts';
export { bilingual, type DemoStatus, momentText, Narrator } from './narrator.ts';
export { deskDay, isStaffed, seededRandom } from './office-day.ts';
export { OfficeDayPlayer, RATINGS_PER_DESK_PER_HOUR } from './player.ts';
export { latestStoredMs } from './resume.ts';
