import { useState } from 'preact/hooks';
import { seg } from '../api/client.js';
import type { AclRule, AclView, ProxySummary } from '../api/types.js';
import { ActionButton, Badge, Empty, ErrorBox, Loading, Panel, TableWrap } from '../components/ui.js';
import { count } from '../format.js';
import { href } from '../router.js';
import { can, useAction, useLoad, useSession } from '../session.js';

function aclPath(scope: string): string {
  return scope === 'global' ? '/api/acl/global' : `/api/acl/proxy/${seg(scope)}`;
}

function AddRuleForm({ scope, onAdded }: { scope: string; onAdded: () => void }) {
  const { client, identity } = useSession();
  const act = useAction();
  const [action, setAction] = useState<'allow' | 'deny'>('deny');
  const [cidr, setCidr] = useState('');
  const [comment, setComment] = useState('');
  const [first, setFirst] = useState(true);

  const submit = (event: Event): void => {
    event.preventDefault();
    const rule = { action, cidr: cidr.trim(), comment: comment.trim(), ...(first ? { position: 0 } : {}) };
    void act(`${action} ${rule.cidr} added`, () => client.post(`${aclPath(scope)}/rules`, rule), () => {
      setCidr('');
      setComment('');
      onAdded();
    });
  };

  return (
    <form class="inline-form" id="acl-add" onSubmit={submit} hidden={!can(identity, '*')}>
      <select name="action" value={action} onChange={(e) => setAction((e.target as HTMLSelectElement).value as 'allow' | 'deny')} aria-label="Action">
        <option value="deny">deny</option>
        <option value="allow">allow</option>
      </select>
      <input name="cidr" placeholder="203.0.113.0/24 or 2001:db8::/32" value={cidr} onInput={(e) => setCidr((e.target as HTMLInputElement).value)} required aria-label="CIDR or IP" />
      <input name="comment" placeholder="comment (why)" value={comment} onInput={(e) => setComment((e.target as HTMLInputElement).value)} aria-label="Comment" />
      <label class="check">
        <input type="checkbox" name="first" checked={first} onChange={(e) => setFirst((e.target as HTMLInputElement).checked)} /> first
      </label>
      <button type="submit" class="btn btn-primary btn-small" data-action="acl-add">
        Add rule
      </button>
    </form>
  );
}

function Rules({ scope, acl, reload }: { scope: string; acl: AclView; reload: () => void }) {
  const { client } = useSession();
  const act = useAction();
  const remove = (rule: AclRule): Promise<void> => act(`rule ${rule.cidr} removed`, () => client.delete(`${aclPath(scope)}/rules?cidr=${seg(rule.cidr)}`), reload);
  if (acl.rules.length === 0) return <Empty>No rules: every client gets the default action ({acl.default_action}).</Empty>;
  return (
    <TableWrap>
      <table class="table" id="acl-rules">
        <thead>
          <tr>
            <th class="num">#</th>
            <th>Action</th>
            <th>CIDR</th>
            <th>Comment</th>
            <th class="num">Hits</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {acl.rules.map((r, i) => (
            <tr key={`${i}-${r.cidr}`} data-cidr={r.cidr}>
              <td class="num">{i + 1}</td>
              <td>{r.action === 'deny' ? <Badge tone="bad">deny</Badge> : <Badge tone="good">allow</Badge>}</td>
              <td class="mono">{r.cidr}</td>
              <td>{r.comment}</td>
              <td class="num">{count(r.hits)}</td>
              <td class="actions">
                <ActionButton action="acl-remove" tone="danger" onClick={() => void remove(r)}>
                  Remove
                </ActionButton>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** The global ACL and each proxy's: settings, rules with hits, add and remove. */
export function AclPage({ scope }: { scope: string }) {
  const { client } = useSession();
  const proxies = useLoad(() => client.get<ProxySummary[]>('/api/proxies'), []);
  const acl = useLoad(() => client.get<AclView>(aclPath(scope)), [scope]);
  const scopes = ['global', ...(proxies.data ?? []).map((p) => p.name)];

  const picker = (
    <label class="filter">
      ACL
      <select id="acl-scope" value={scope} onChange={(e) => (location.hash = href({ page: 'acl', scope: (e.target as HTMLSelectElement).value }))}>
        {scopes.map((s) => (
          <option key={s} value={s}>
            {s === 'global' ? 'global (every proxy)' : s}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <Panel title={scope === 'global' ? 'Global ACL' : `ACL of ${scope}`} actions={picker} id="acl">
      {acl.error !== null && <ErrorBox error={acl.error} />}
      {acl.data === null ? (
        acl.error === null && <Loading />
      ) : (
        <>
          <p class="acl-settings">
            {acl.data.enabled ? <Badge tone="good">enabled</Badge> : <Badge tone="muted">disabled</Badge>} default <strong>{acl.data.default_action}</strong>
            {acl.data.close_existing_on_deny && <span class="muted"> · closes live connections on deny</span>}
            <span class="muted">
              {' '}
              · {count(acl.data.stats.allowed)} allowed, {count(acl.data.stats.denied)} denied
            </span>
          </p>
          <Rules scope={scope} acl={acl.data} reload={acl.reload} />
          <AddRuleForm scope={scope} onAdded={acl.reload} />
        </>
      )}
    </Panel>
  );
}
