// The lead's health strip: what needs a decision now, from one API call. Enforcement coverage, drift
// (the objects, and Re-apply for approvers), failing webhooks, grants expiring within 72 hours and
// active port-wide grants. Each cell says plainly when all is well.
import { can, type GrantBrief, type HealthStrip as Strip } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';

import { Dialog } from '../../../components/ui/dialog.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { FormActions } from '../../../components/ui/form-actions.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { showToast } from '../../../components/ui/toast.tsx';
import { useMe } from '../../auth/api/auth.queries.ts';
import { useReapply } from '../api/dashboard.mutations.ts';
import { healthQuery } from '../api/dashboard.queries.ts';

type Tone = 'green' | 'amber' | 'red' | undefined;

function Cell({
  title,
  tone,
  value,
  children,
}: {
  title: string;
  tone: Tone;
  value: React.ReactNode;
  children?: React.ReactNode;
}) {
  return (
    <section className={`card stat health-cell${tone ? ` stat-${tone}` : ''}`} aria-label={title}>
      <h3 className="stat-title">{title}</h3>
      <p className="stat-value">{value}</p>
      {children}
    </section>
  );
}

const objectName = (o: { kind: string; namespace: string | null; name: string }) =>
  `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;

function ReapplyButton() {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const reapply = useReapply();
  const close = () => {
    setOpen(false);
    setReason('');
  };
  return (
    <>
      <button type="button" className="btn btn-small btn-primary" onClick={() => setOpen(true)}>
        Re-apply
      </button>
      <Dialog
        open={open}
        onClose={close}
        title="Re-apply the desired state"
        description="A reconcile run reads the cluster now and puts back every object that differs. The request and its reason are audited; what the run restores is audited too."
      >
        <form
          noValidate
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            reapply.mutate(reason, {
              onSuccess: (r) => {
                close();
                showToast({ kind: 'success', title: 'Re-apply queued', message: `Reconcile run ${r.runId}` });
              },
            });
          }}
        >
          <Field label="Reason (optional)" hint="Recorded in the audit log.">
            <textarea rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <FormActions submit="Re-apply now" submitting={reapply.isPending} onCancel={close} />
        </form>
      </Dialog>
    </>
  );
}

const DRIFT_VALUE: Record<Strip['drift']['state'], string> = {
  drifted: '',
  none: 'no drift',
  unknown: 'unknown',
  notObserved: 'not observed',
};
const DRIFT_TONE: Record<Strip['drift']['state'], Tone> = {
  drifted: 'red',
  none: 'green',
  unknown: 'amber',
  notObserved: 'amber',
};

/** Why the drift is not known, when it is not. */
function DriftNote({ drift }: { drift: Strip['drift'] }) {
  if (drift.state === 'unknown') return <p className="small">The cluster could not be read: {drift.error}</p>;
  if (drift.state === 'notObserved')
    return <p className="small muted">This server renders no cluster to compare (target none).</p>;
  return null;
}

/** The newest drift a run found and put back, with who had changed it. */
function LastHealed({ healed }: { healed: Strip['drift']['healed'] }) {
  const last = healed[0];
  if (!last) return null;
  const who = last.managers.length > 0 ? last.managers.join(', ') : 'someone else';
  return (
    <p className="small muted">
      Last healed <RelativeTime iso={last.at} />: <code>{objectName(last)}</code>{' '}
      {last.change === 'deleted' ? 'had been deleted' : `changed by ${who}`}.{' '}
      <Link to="/audit" search={{ action: 'reconcile.drift_detected' }}>
        In the audit log
      </Link>
    </p>
  );
}

function DriftCell({ drift, canReapply }: { drift: Strip['drift']; canReapply: boolean }) {
  const n = drift.objects.length;
  const value =
    drift.state === 'drifted' ? `${n} ${n === 1 ? 'object' : 'objects'} drifted` : DRIFT_VALUE[drift.state];
  return (
    <Cell title="Drift" tone={DRIFT_TONE[drift.state]} value={value}>
      <DriftNote drift={drift} />
      {n > 0 ? (
        <ul className="health-list small" aria-label="Drifted objects">
          {drift.objects.map((o) => (
            <li key={objectName(o)}>
              <code>{objectName(o)}</code>: {o.reason}
            </li>
          ))}
        </ul>
      ) : null}
      {drift.state === 'drifted' && canReapply ? <ReapplyButton /> : null}
      <LastHealed healed={drift.healed} />
    </Cell>
  );
}

function GrantLines({ grants, label }: { grants: GrantBrief[]; label: string }) {
  if (grants.length === 0) return null;
  return (
    <ul className="health-list small" aria-label={label}>
      {grants.map((g) => (
        <li key={g.id}>
          <Link to="/grants/$grantId" params={{ grantId: g.id }}>
            {g.service} → {g.destination ?? 'any host'}:{g.port}
          </Link>
          {g.expiresAt ? (
            <>
              {' '}
              expires <RelativeTime iso={g.expiresAt} />
            </>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function StripCells({ s, canReapply }: { s: Strip; canReapply: boolean }) {
  const c = s.coverage;
  return (
    <div className="cards health-strip">
      <Cell
        title="Enforcement"
        tone={c ? (c.openByOmission > 0 ? 'amber' : 'green') : undefined}
        value={c ? `${c.enforced} of ${c.total} namespaces` : 'n/a'}
      >
        <p className="small muted">
          {c
            ? c.openByOmission > 0
              ? `${c.openByOmission} open because the settings do not list them`
              : 'every namespace enforced or left open on purpose'
            : 'coverage could not be computed'}
        </p>
        <Link to="/coverage" className="small">
          See which and why
        </Link>
      </Cell>
      <DriftCell drift={s.drift} canReapply={canReapply} />
      <Cell
        title="Webhooks"
        tone={s.failingWebhooks.length > 0 ? 'red' : 'green'}
        value={s.failingWebhooks.length > 0 ? `${s.failingWebhooks.length} failing` : 'all answering'}
      >
        {s.failingWebhooks.length > 0 ? (
          <ul className="health-list small" aria-label="Failing webhooks">
            {s.failingWebhooks.map((w) => (
              <li key={w.id}>
                <strong>{w.name}</strong>: failing since <RelativeTime iso={w.failingSince} />, {w.lastError}
              </li>
            ))}
          </ul>
        ) : null}
      </Cell>
      <Cell
        title="Expiring in 72 h"
        tone={s.expiringGrants.count > 0 ? 'amber' : 'green'}
        value={s.expiringGrants.count}
      >
        <GrantLines grants={s.expiringGrants.items} label="Grants expiring within 72 hours" />
      </Cell>
      <Cell
        title="Port-wide grants"
        tone={s.portWideGrants.count > 0 ? 'amber' : 'green'}
        value={s.portWideGrants.count}
      >
        <p className="small muted">Any host on a port: the widest access there is.</p>
        <GrantLines grants={s.portWideGrants.items} label="Active port-wide grants" />
      </Cell>
    </div>
  );
}

export function HealthStrip() {
  const me = useMe();
  const allowed = can(me.role, 'health.read');
  const query = useQuery({ ...healthQuery(), enabled: allowed });
  if (!allowed) return null;
  return (
    <section aria-labelledby="health-title" className="health">
      <h2 id="health-title">Health</h2>
      {query.data ? (
        <StripCells s={query.data} canReapply={can(me.role, 'reconcile.run')} />
      ) : query.isError ? (
        <p className="muted">Could not load the health strip.</p>
      ) : (
        <p className="muted" aria-busy="true">
          Loading the health strip…
        </p>
      )}
    </section>
  );
}
