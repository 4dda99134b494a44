import type { IptablesRules, KernelRule, ProxyKernelStatus } from '../../api/types.js';
import { ActionButton, Badge, TableWrap } from '../../components/ui.js';
import { bytes, count } from '../../format.js';
import { kindLabel, kindSource } from './rule-kinds.js';

type Tone = 'good' | 'bad' | 'info' | 'muted' | 'warn';
const STATE_TONE: Record<ProxyKernelStatus['state'], Tone> = { installed: 'good', none: 'muted', disabled: 'muted', unavailable: 'warn', failed: 'bad' };

/** A rule: its kind and counters, and its text beside them (on a phone: on a line of its own below). */
function RuleRows({ rule, proxy }: { rule: KernelRule; proxy: string }) {
  const label = kindLabel(rule.kind);
  const text = <code>{rule.rule}</code>;
  return (
    <>
      <tr data-proxy={proxy} data-rule-kind={label} data-backend={rule.backend}>
        <td class="indent">
          {label}
          <span class="muted sub kind-source">{kindSource(label)}</span>
        </td>
        <td>{rule.backend}</td>
        <td class="num" data-col="packets" data-value={rule.packets}>
          {count(rule.packets)}
        </td>
        <td class="num nowrap">{bytes(rule.bytes)}</td>
        <td class="rule hide-phone">{text}</td>
      </tr>
      <tr class="rule-line phone-only">
        <td colSpan={4}>{text}</td>
      </tr>
    </>
  );
}

type ProxyRules = IptablesRules['proxies'][number];

function ProxyGroup({ proxy, active, onFlush }: { proxy: ProxyRules; active: boolean; onFlush: (name: string) => void }) {
  const status = proxy.iptables;
  return (
    <tbody data-proxy={proxy.name}>
      <tr class="group-row" data-proxy-head={proxy.name}>
        <td colSpan={5}>
          <div class="group-head">
            <div>
              <span class="strong">{proxy.name}</span> <Badge tone={STATE_TONE[status.state]}>{status.state}</Badge>
              <span class="muted sub">
                {status.rules_installed} rules, chain <code>{status.chain}</code>
              </span>
              {status.reason !== null && <div class="muted sub" data-col="reason">{status.reason}</div>}
            </div>
            {active && (
              <ActionButton action="flush" tone="danger" onClick={() => onFlush(proxy.name)}>
                Flush and re-create
              </ActionButton>
            )}
          </div>
        </td>
      </tr>
      {proxy.rules.map((rule) => (
        <RuleRows key={`${rule.backend} ${rule.rule}`} rule={rule} proxy={proxy.name} />
      ))}
    </tbody>
  );
}

/**
 * Every proxy's rules as the kernel holds them now, with the kernel's own counters (since each
 * rule was installed; a flush starts them again at 0), and a Flush button per proxy for admins.
 */
export function KernelRulesTable({ view, onFlush }: { view: IptablesRules; onFlush: (name: string) => void }) {
  return (
    <TableWrap>
      <table class="table compact" id="iptables-rules">
        <thead>
          <tr>
            <th>Proxy / rule kind</th>
            <th>Family</th>
            <th class="num">Packets</th>
            <th class="num">Bytes</th>
            <th class="hide-phone">Rule</th>
          </tr>
        </thead>
        {view.proxies.map((proxy) => (
          <ProxyGroup key={proxy.name} proxy={proxy} active={view.active} onFlush={onFlush} />
        ))}
      </table>
    </TableWrap>
  );
}

/** Rules of proxies that no longer exist (left by an earlier run), for the orphan sweep. */
export function OrphanList({ orphans }: { orphans: IptablesRules['orphans'] }) {
  return (
    <ul class="orphans" id="iptables-orphans">
      {orphans.map((o) => (
        <li key={o.name} data-orphan={o.name}>
          <span class="strong">{o.name}</span> <span class="muted">{o.rules.length} rules ({[...new Set(o.rules.map((r) => kindLabel(r.kind)))].join(', ')})</span>
        </li>
      ))}
    </ul>
  );
}
