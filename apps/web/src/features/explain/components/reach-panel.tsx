import { Link } from '@tanstack/react-router';
import { useState } from 'react';

import type { ReachQuestion } from '../api/explain.queries.ts';
import { ReachAnswer } from './reach-answer.tsx';
import { ReachForm } from './reach-form.tsx';

type Props =
  /** On a service page: the service is fixed, one picks host and port. */
  | { service: string; host?: undefined; ports?: undefined }
  /** On a destination page: the host is fixed, one picks the service and one of its ports. */
  | { host: string; ports: readonly number[]; service?: undefined };

/**
 * "Can it reach?" inside a detail page. The question stays local to the page (its URL belongs to the
 * page's own filters); "Open as a link" carries it to /reach, where it can be shared.
 */
export function ReachPanel(props: Props) {
  const [question, setQuestion] = useState<ReachQuestion | null>(null);
  const fixed = props.service !== undefined ? 'service' : 'host';
  return (
    <section aria-labelledby="reach-panel" className="reach-panel">
      <div className="section-header">
        <h2 id="reach-panel">Can it reach?</h2>
        {question ? (
          <Link to="/reach" search={question}>
            Open as a link
          </Link>
        ) : null}
      </div>
      <ReachForm
        label={
          props.service !== undefined ? `Can ${props.service} reach?` : `Can a service reach ${props.host}?`
        }
        fixed={fixed}
        ports={props.ports}
        initial={
          props.service !== undefined
            ? { service: props.service }
            : { host: props.host, port: props.ports[0] }
        }
        onAsk={setQuestion}
      />
      {question ? <ReachAnswer question={question} /> : null}
    </section>
  );
}
