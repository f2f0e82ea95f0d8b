import { hostname, type NetworkInterfaceInfo, networkInterfaces } from 'node:os';

/** TT_HOST values that mean "every interface": the board is then reached by the machine's own addresses. */
const EVERY_INTERFACE = new Set(['0.0.0.0', '::', '[::]', '']);

const isLinkLocal = (address: string) => address.startsWith('169.254.');

/**
 * The hosts another machine (the office TV) can use to reach a hub listening on `listenHost`: the
 * machine's LAN IPv4 addresses when it listens on every interface, falling back to its host name
 * when it has none (never only `localhost`); the address itself when TT_HOST names one.
 */
export function reachableHosts(
  listenHost: string,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
  host: string = hostname(),
): string[] {
  if (!EVERY_INTERFACE.has(listenHost)) return [listenHost];
  const lan = Object.values(interfaces)
    .flatMap((addresses) => addresses ?? [])
    .filter((a) => a.family === 'IPv4' && !a.internal && !isLinkLocal(a.address))
    .map((a) => a.address);
  return lan.length > 0 ? [...new Set(lan)] : [host];
}

/** Whether only this machine can reach a hub listening on `listenHost`. */
export function isLoopbackOnly(listenHost: string): boolean {
  return listenHost === 'localhost' || listenHost === '::1' || listenHost.startsWith('127.');
}

/** The desk board's URL on each reachable host (IPv6 addresses in brackets). */
export function boardUrls(hosts: readonly string[], port: number): string[] {
  return hosts.map((h) => `http://${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${port}/board`);
}
