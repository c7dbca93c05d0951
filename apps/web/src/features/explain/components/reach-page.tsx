import { getRouteApi, Link } from '@tanstack/react-router';

import { completeQuestion } from '../reach-text.ts';
import { ReachAnswer } from './reach-answer.tsx';
import { ReachForm } from './reach-form.tsx';

const route = getRouteApi('/_app/reach');

/**
 * "Can it reach?": a service, a host and a port, and the answer from what is enforced. The question
 * lives in the URL (/reach?service=…&host=…&port=…), so an answer can be shared as a link.
 */
export function ReachPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const question = completeQuestion(search);
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Can it reach?</h1>
          <p className="muted">
            Whether a service can reach a host on a port now, from the compiled policies and the gateways’
            readiness, each check on the way, and what would change the answer.
          </p>
        </div>
      </header>
      <ReachForm
        // A new question from a link or Back starts the fields over.
        key={`${search.service ?? ''}|${search.host ?? ''}|${search.port ?? ''}`}
        label="Can it reach?"
        initial={search}
        onAsk={(q) => void navigate({ search: q })}
      />
      {question ? (
        <section aria-label="Answer">
          <ReachAnswer question={question} />
        </section>
      ) : (
        <p className="callout">
          Name a service, a host and a port, then Check. From a <Link to="/services">service</Link> or a{' '}
          <Link to="/destinations">destination</Link> page the same check is one field away.
        </p>
      )}
    </div>
  );
}
