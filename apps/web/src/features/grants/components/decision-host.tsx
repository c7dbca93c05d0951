// One decision dialog for the whole console. Rows only ask for it: the dialog holds its own copy of the
// grant, so it still names it (in the toast it raises on success, or beside a refusal it keeps showing)
// when the row it came from disappears (an approved request leaves the inbox as the lists refresh).
import type { Grant } from '@egress/shared';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';

import type { Decision } from '../api/grants.mutations.ts';
import { DecisionDialog } from './decision-dialog.tsx';

type Open = (grant: Grant, decision: Decision) => void;
const DecisionContext = createContext<Open | null>(null);

export function DecisionHost({ children }: { children: ReactNode }) {
  const [current, setCurrent] = useState<{ grant: Grant; decision: Decision; key: number } | null>(null);
  const open = useCallback<Open>((grant, decision) => setCurrent({ grant, decision, key: Date.now() }), []);
  const value = useMemo(() => open, [open]);
  return (
    <DecisionContext.Provider value={value}>
      {children}
      {current ? (
        <DecisionDialog
          key={current.key}
          grant={current.grant}
          decision={current.decision}
          open
          onClose={() => setCurrent(null)}
        />
      ) : null}
    </DecisionContext.Provider>
  );
}

export function useOpenDecision(): Open {
  const open = useContext(DecisionContext);
  if (!open) throw new Error('useOpenDecision needs a <DecisionHost> above it');
  return open;
}
