// A destination's mode. Observe: its gateway admits every pod of the cluster and the page lists the
// services that used it without a grant ("would be refused"), with one action filing requests for all
// of them. Switching to enforce shows that list first; switching to observe (a loosening) is confirmed.
import { can, type Destination } from '@egress/shared';
import { useState } from 'react';

import { Badge } from '../../../components/ui/badge.tsx';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { RefusedNotice } from '../../../components/ui/error-panel.tsx';
import { showToast } from '../../../components/ui/toast.tsx';
import { useMe } from '../../auth/api/auth.queries.ts';
import { BulkRequestForm } from '../../discovery/components/bulk-request-form.tsx';
import { ImpactList } from '../../discovery/components/impact-list.tsx';
import { useUpdateDestination } from '../api/destinations.mutations.ts';

function EnforceDialog({ d, onClose }: { d: Destination; onClose: () => void }) {
  const mutation = useUpdateDestination(d.id);
  const confirm = () =>
    mutation.mutate(
      { mode: 'enforce' },
      {
        onSuccess: () => {
          showToast({
            kind: 'success',
            title: `${d.host} is enforced`,
            message: 'Only services holding an active grant reach it now.',
          });
          onClose();
        },
      },
    );
  return (
    <Dialog
      open
      wide
      onClose={onClose}
      title="Switch to enforce"
      description={
        <p>These services used {d.host} without a grant and will be refused once it is enforced.</p>
      }
    >
      <div className="stack">
        <ImpactList
          params={{ kind: 'destination-enforce', id: d.id }}
          title="Traffic enforcing would refuse"
        />
        <RefusedNotice error={mutation.error} />
        <div className="actions">
          <button type="button" className="btn" onClick={onClose}>
            Back
          </button>
          <button type="button" className="btn btn-danger" disabled={mutation.isPending} onClick={confirm}>
            {mutation.isPending ? 'Sending…' : 'Enforce now'}
          </button>
        </div>
      </div>
    </Dialog>
  );
}

function ObserveDialog({ d, onClose }: { d: Destination; onClose: () => void }) {
  const mutation = useUpdateDestination(d.id);
  return (
    <ConfirmDialog
      title="Switch to observe"
      description={<p>{d.host} stops refusing pods without a grant.</p>}
      consequence={`Every pod of the cluster can reach ${d.host} through its gateway until it is switched back to enforce; use without a grant is recorded and listed here. The switch is audited.`}
      confirmLabel="Open to observe"
      pending={mutation.isPending}
      error={mutation.error}
      onClose={onClose}
      onConfirm={() =>
        mutation.mutate(
          { mode: 'observe' },
          {
            onSuccess: () => {
              showToast({
                kind: 'success',
                title: `${d.host} is in observe mode`,
                message: 'Use without a grant is recorded.',
              });
              onClose();
            },
          },
        )
      }
    />
  );
}

export function DestinationMode({ destination: d }: { destination: Destination }) {
  const me = useMe();
  const [dialog, setDialog] = useState<'enforce' | 'observe' | null>(null);
  const canWrite = can(me.role, 'destinations.write');
  const canObserve = can(
    me.role,
    d.sensitivity === 'sensitive' ? 'destinations.observeSensitive' : 'destinations.observe',
  );
  const canRequest = can(me.role, 'grants.request');
  return (
    <section aria-labelledby="dest-mode" className="stack">
      <h2 id="dest-mode">
        Mode{' '}
        {d.mode === 'observe' ? <Badge tone="amber">observe</Badge> : <Badge tone="green">enforce</Badge>}
      </h2>
      {d.mode === 'observe' ? (
        <>
          <p>
            Every pod of the cluster can reach {d.host} through its gateway; use without a grant is recorded.
            Request access for the services below, then switch to enforce.
          </p>
          {can(me.role, 'impact.read') ? (
            <ImpactList params={{ kind: 'destination-enforce', id: d.id }} title="Would be refused">
              {(impact) => {
                const items = impact.services
                  .filter((s) => s.destinationId !== null && s.pendingGrantId === null)
                  .map((s) => ({ service: s.service, destination: s.host, port: s.port }));
                return canRequest && items.length > 0 ? (
                  <BulkRequestForm items={items} label={`Request access for all ${items.length}`} />
                ) : null;
              }}
            </ImpactList>
          ) : null}
          {canWrite ? (
            <div className="actions">
              <button type="button" className="btn" onClick={() => setDialog('enforce')}>
                Switch to enforce…
              </button>
            </div>
          ) : null}
        </>
      ) : (
        <>
          <p>Only services holding an active grant reach {d.host}.</p>
          {canObserve ? (
            <div className="actions">
              <button type="button" className="btn" onClick={() => setDialog('observe')}>
                Switch to observe…
              </button>
            </div>
          ) : null}
        </>
      )}
      {dialog === 'enforce' ? <EnforceDialog d={d} onClose={() => setDialog(null)} /> : null}
      {dialog === 'observe' ? <ObserveDialog d={d} onClose={() => setDialog(null)} /> : null}
    </section>
  );
}
