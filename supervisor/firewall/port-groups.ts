// A proxy's ports as iptables port matches. One port is `--dport 25565`, one contiguous run is
// `--dport 25565:25575`; anything else needs `-m multiport --dports`, which takes at most 15 port
// slots per rule (a range counts as two), so a longer set becomes several groups.

/** Most port slots one multiport match accepts (XT_MULTI_PORTS). */
export const MULTIPORT_SLOTS = 15;

export interface PortGroup {
  /** The ports as iptables writes them: `25565`, `25565:25575` or `25565,27015:27020`. */
  text: string;
  /** The match arguments, after `-p tcp` / `-p udp`. */
  match: string[];
}

type Run = [low: number, high: number];

/** Sorted, de-duplicated ports folded into contiguous runs. */
function runsOf(ports: readonly number[]): Run[] {
  const sorted = [...new Set(ports)].sort((a, b) => a - b);
  const runs: Run[] = [];
  for (const port of sorted) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[1] === port - 1) last[1] = port;
    else runs.push([port, port]);
  }
  return runs;
}

const runText = ([low, high]: Run): string => (low === high ? String(low) : `${low}:${high}`);
const slotsOf = ([low, high]: Run): number => (low === high ? 1 : 2);

/** The whole set in iptables notation, for comments: `25565,27015:27020`. */
export function portsText(ports: readonly number[]): string {
  return runsOf(ports).map(runText).join(',');
}

/** The fewest rules that match exactly `ports`. */
export function portGroups(ports: readonly number[]): PortGroup[] {
  const runs = runsOf(ports);
  if (runs.length === 1) {
    const text = runText(runs[0]!);
    return [{ text, match: ['--dport', text] }];
  }
  const groups: PortGroup[] = [];
  let chunk: Run[] = [];
  let slots = 0;
  const flush = (): void => {
    const text = chunk.map(runText).join(',');
    groups.push({ text, match: ['-m', 'multiport', '--dports', text] });
    chunk = [];
    slots = 0;
  };
  for (const run of runs) {
    if (slots + slotsOf(run) > MULTIPORT_SLOTS) flush();
    chunk.push(run);
    slots += slotsOf(run);
  }
  flush();
  return groups;
}
