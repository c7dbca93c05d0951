import { can, type Explain, type ExplainFix, type ExplainStep } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';

import { Badge } from '../../../components/ui/badge.tsx';
import { ErrorPanel } from '../../../components/ui/error-panel.tsx';
import { BlockSkeleton } from '../../../components/ui/skeleton.tsx';
import { useMe } from '../../auth/api/auth.queries.ts';
import { explainQuery, type ReachQuestion } from '../api/explain.queries.ts';
import { CHECK_LABELS, firstFailure, PATH_LABELS, requestSearch, verdictSentence } from '../reach-text.ts';

const VERDICT_TONE = { allowed: 'green', denied: 'red', open: 'amber' } as const;
const VERDICT_MARK = { allowed: '✓', denied: '✗', open: '!' } as const;

function Verdict({ e }: { e: Explain }) {
  return (
    <div className={`reach-verdict reach-verdict-${e.verdict}`}>
      <span className="reach-verdict-mark" aria-hidden="true">
        {VERDICT_MARK[e.verdict]}
      </span>
      <div>
        <p className="reach-verdict-text">
          <Badge tone={VERDICT_TONE[e.verdict]}>{e.verdict}</Badge> <strong>{verdictSentence(e)}</strong>
        </p>
        <p className="muted small">
          Path: <strong>{e.path}</strong>, {PATH_LABELS[e.path]} · namespace {e.namespace} · {e.protocol}
        </p>
      </div>
    </div>
  );
}

/**
 * How a check reads in the chain. On a denial a failing check is "not ok"; on an open answer the
 * namespace's default deny is the cause ("not enforced"); otherwise a failing check of an allowed or
 * open answer is a path not taken (the port-wide alternative, a gateway an open namespace does not
 * need), so it reads "not used" in grey rather than as a fault.
 */
function stepMark(
  s: ExplainStep,
  verdict: Explain['verdict'],
): { tone: 'green' | 'red' | 'amber' | 'grey'; mark: string; text: string } {
  if (s.ok) return { tone: 'green', mark: '✓', text: 'ok' };
  if (verdict === 'denied') return { tone: 'red', mark: '✗', text: 'not ok' };
  if (verdict === 'open' && s.check === 'default-deny')
    return { tone: 'amber', mark: '!', text: 'not enforced' };
  return { tone: 'grey', mark: '–', text: 'not used' };
}

function Chain({ e }: { e: Explain }) {
  const first = firstFailure(e);
  return (
    <ol className="reach-chain" aria-label="Checks, in order">
      {e.steps.map((s, i) => {
        const m = stepMark(s, e.verdict);
        return (
          <li key={`${s.check}-${i}`} aria-current={s === first ? 'step' : undefined}>
            <Badge tone={m.tone}>
              <span aria-hidden="true">{m.mark}</span> {m.text}
            </Badge>
            <div>
              <span className="reach-check">{CHECK_LABELS[s.check]}</span>
              {s === first ? <span className="muted small"> (first failing check)</span> : null}
              <span className="reach-detail">{s.detail}</span>
            </div>
          </li>
        );
      })}
    </ol>
  );
}

function FixAction({ fix, canRequest }: { fix: ExplainFix; canRequest: boolean }) {
  const search = requestSearch(fix);
  if (search) {
    return canRequest ? (
      <Link to="/requests/new" search={search} className="btn btn-primary btn-small">
        {search.destination ? 'Request access' : 'Request port-wide access'}
      </Link>
    ) : (
      <span className="muted small">An engineer or approver can request it.</span>
    );
  }
  if (fix.kind === 'pending' && fix.grantId) {
    return (
      <span className="reach-actions">
        <Link to="/grants/$grantId" params={{ grantId: fix.grantId }} className="btn btn-small">
          Open the request
        </Link>
        <Link to="/requests">Requests inbox</Link>
      </span>
    );
  }
  if (fix.kind === 'gateway-not-ready') return <Link to="/reconcile">Reconcile status</Link>;
  if (fix.kind === 'namespace-not-enforced') return <Link to="/coverage">Namespace coverage</Link>;
  if (fix.kind === 'register-destination') return <Link to="/destinations">Destinations</Link>;
  return null;
}

const FIX_TITLES: Record<ExplainFix['kind'], (f: ExplainFix) => string> = {
  request: (f) =>
    f.request?.destination === null ? 'No grant: request a port-wide grant' : 'No grant: request access',
  pending: (f) => `Pending: ${f.approvals ?? 0} of ${f.requiredApprovals ?? '?'} approvals`,
  'gateway-not-ready': () => 'Gateway not ready',
  'namespace-not-enforced': () => 'Namespace not enforced: nothing limits this traffic',
  'register-destination': () => 'Host not registered',
};

function Fixes({ e }: { e: Explain }) {
  const me = useMe();
  if (e.fixes.length === 0) return null;
  return (
    <section
      className="reach-fixes"
      aria-label={e.verdict === 'open' ? 'How to enforce it' : 'What would change it'}
    >
      <h3>{e.verdict === 'open' ? 'How to enforce it' : 'What would change it'}</h3>
      <ul>
        {e.fixes.map((f, i) => (
          <li key={`${f.kind}-${i}`}>
            <div>
              <strong>{FIX_TITLES[f.kind](f)}</strong>
              <span className="reach-detail">{f.detail}</span>
            </div>
            <FixAction fix={f} canRequest={can(me.role, 'grants.request')} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The answer to one question: the verdict (announced, role=status), the chain of checks with each one
 * marked ok / not ok in words and colour, and each fix as the console's action.
 */
export function ReachAnswer({ question }: { question: ReachQuestion }) {
  const answer = useQuery(explainQuery(question));
  const e = answer.data;
  return (
    <div className="reach-answer">
      <div role="status" aria-live="polite" className={e ? 'sr-only' : undefined}>
        {e ? verdictSentence(e) : answer.isPending ? 'Checking…' : ''}
      </div>
      {answer.error ? (
        <ErrorPanel error={answer.error} what="the answer" />
      ) : !e ? (
        <BlockSkeleton lines={5} label="Checking" />
      ) : (
        <>
          <Verdict e={e} />
          <Chain e={e} />
          <Fixes e={e} />
        </>
      )}
    </div>
  );
}
