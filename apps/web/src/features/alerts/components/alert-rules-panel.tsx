import { type AlertRule, can } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';

import { Badge } from '../../../components/ui/badge.tsx';
import { DataTable } from '../../../components/ui/data-table.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { NotAvailable } from '../../../components/ui/empty-state.tsx';
import { PagedList } from '../../../components/ui/paged-list.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { showToast } from '../../../components/ui/toast.tsx';
import { isNotFound } from '../../../lib/api-client.ts';
import type { PageSearch } from '../../../lib/pagination.ts';
import { useMe } from '../../auth/api/auth.queries.ts';
import { windowLabel } from '../alert-format.ts';
import { alertRuleListQuery } from '../api/alerts.queries.ts';
import { CreateAlertRuleForm } from '../forms/create-alert-rule-form.tsx';
import { EditAlertRuleForm } from '../forms/edit-alert-rule-form.tsx';
import { DeleteRuleDialog } from './delete-rule-dialog.tsx';

type Editing = { kind: 'create' } | { kind: 'edit'; rule: AlertRule } | { kind: 'delete'; rule: AlertRule };

function RuleRow({ rule: r, onEdit }: { rule: AlertRule; onEdit: ((e: Editing) => void) | null }) {
  return (
    <tr>
      <td>{r.name}</td>
      <td>{r.service ?? <span className="muted">every service</span>}</td>
      <td className="num">{r.threshold}</td>
      <td>{windowLabel(r.windowSeconds)}</td>
      <td>{r.enabled ? <Badge tone="green">enabled</Badge> : <Badge tone="grey">disabled</Badge>}</td>
      <td className="nowrap">
        <RelativeTime iso={r.updatedAt} />
      </td>
      {onEdit ? (
        <td className="col-actions">
          <div className="row-actions">
            <button
              type="button"
              className="btn btn-small"
              aria-label={`Edit alert rule ${r.name}`}
              onClick={() => onEdit({ kind: 'edit', rule: r })}
            >
              Edit
            </button>
            <button
              type="button"
              className="btn btn-small"
              aria-label={`Delete alert rule ${r.name}`}
              onClick={() => onEdit({ kind: 'delete', rule: r })}
            >
              Delete
            </button>
          </div>
        </td>
      ) : null}
    </tr>
  );
}

/** Alert rules: everyone with access reads them; approvers create, edit and delete. */
export function AlertRulesPanel({ search, onPage }: { search: PageSearch; onPage: (p: PageSearch) => void }) {
  const me = useMe();
  const canWrite = can(me.role, 'alertRules.write');
  const query = useQuery(alertRuleListQuery(search.cursor));
  const [editing, setEditing] = useState<Editing | null>(null);
  const close = () => setEditing(null);
  const saved = (verb: string) => (rule: AlertRule) => {
    close();
    showToast({ kind: 'success', title: `Alert rule ${rule.name} ${verb}` });
  };
  if (isNotFound(query.error)) return <NotAvailable title="Alert rules are not served by this API yet." />;
  return (
    <>
      <div className="section-header">
        <p className="muted">
          A rule raises an alert when a service is denied at least <em>threshold</em> times within its window.
          {canWrite ? '' : ' Changing rules needs the approver role.'}
        </p>
        {canWrite ? (
          <button type="button" className="btn btn-primary" onClick={() => setEditing({ kind: 'create' })}>
            New alert rule
          </button>
        ) : null}
      </div>
      <PagedList query={query} what="alert rules" search={search} onPage={onPage}>
        {(rules) => (
          <DataTable
            caption="Alert rules"
            head={
              <>
                <th scope="col">Name</th>
                <th scope="col">Service</th>
                <th scope="col" className="num">
                  Threshold
                </th>
                <th scope="col">Window</th>
                <th scope="col">State</th>
                <th scope="col">Updated</th>
                {canWrite ? (
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </>
            }
            columns={canWrite ? 7 : 6}
            items={rules}
            empty={{
              title: 'No alert rules yet.',
              body: canWrite
                ? 'Create one to be alerted (on the dashboard and through webhooks) when denied flows pile up.'
                : 'An approver creates rules; until then denied flows are listed but raise no alerts.',
            }}
            row={(r) => <RuleRow key={r.id} rule={r} onEdit={canWrite ? setEditing : null} />}
          />
        )}
      </PagedList>
      <Dialog open={editing?.kind === 'create'} onClose={close} title="New alert rule">
        <CreateAlertRuleForm onCancel={close} onDone={saved('created')} />
      </Dialog>
      {editing?.kind === 'edit' ? (
        <Dialog open onClose={close} title={`Edit alert rule ${editing.rule.name}`}>
          <EditAlertRuleForm rule={editing.rule} onCancel={close} onDone={saved('saved')} />
        </Dialog>
      ) : null}
      {editing?.kind === 'delete' ? <DeleteRuleDialog rule={editing.rule} onClose={close} /> : null}
    </>
  );
}
