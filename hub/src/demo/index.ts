export { boardUrls, isLoopbackOnly, reachableHosts } from './board-address.ts';
export { advance, DemoClock, demoStart, shownDay, shownDayFrom } from './clock.ts';
export { bilingual, type DemoStatus, momentText, Narrator } from './narrator.ts';
export { deskDay, isStaffed, seededRandom } from './office-day.ts';
export { OfficeDayPlayer } from './player.ts';
export { writeDemoSchedule } from './radio.ts';
export { latestStoredMs } from './resume.ts';
