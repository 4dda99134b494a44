// The firewall's command runner, pointed into a network namespace: lets a test drive the real
// FirewallManager (or BanSets) in-process against a namespace's own kernel tables.
import { runCommand, type RunCommand } from '../../supervisor/firewall/command-runner.js';
import type { NetnsLab } from './netns.js';

export function runnerIn(lab: NetnsLab, netns: string): RunCommand {
  const [ip, ...prefix] = lab.command(netns);
  return (file, args, input) => runCommand(ip!, [...prefix, file, ...args], input);
}
