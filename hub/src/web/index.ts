export { type BoardDesk, type DeskBoard, type DeskBoardDeps, deskBoard } from './desk-board.ts';
export { CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED, LIVE_PATH, LiveFeed, ON_AIR_LIVE_PATH } from './live.ts';
export { appPages, boardPages } from './pages.ts';
