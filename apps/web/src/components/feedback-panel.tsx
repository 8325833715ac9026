import { useState } from 'react';
import { getAssessments, logFeedback } from '../lib/traces';
import { useApi } from '../lib/use-api';
import { Async } from './states';

/** Thumbs up/down with a comment, stored as a feedback assessment; lists existing assessments. */
export function FeedbackPanel({ traceId }: { traceId: string }) {
  const state = useApi(() => getAssessments(traceId), [traceId]);
  const [comment, setComment] = useState('');
  const [saving, setSaving] = useState(false);
  const send = async (thumbsUp: boolean) => {
    setSaving(true);
    try {
      await logFeedback(traceId, thumbsUp, comment.trim());
      setComment('');
      state.reload();
    } finally {
      setSaving(false);
    }
  };
  return (
    <div className="panel" data-testid="feedback">
      <h3 style={{ marginTop: 0 }}>Feedback</h3>
      <div className="row">
        <input
          aria-label="Comment"
          placeholder="Comment (optional)"
          value={comment}
          onChange={(event) => setComment(event.target.value)}
          className="grow"
        />
        <button type="button" disabled={saving} onClick={() => send(true)} aria-label="Thumbs up">
          ✓ Good
        </button>
        <button
          type="button"
          disabled={saving}
          onClick={() => send(false)}
          aria-label="Thumbs down"
        >
          ✗ Bad
        </button>
      </div>
      <Async state={state}>
        {(assessments) => (
          <ul style={{ margin: '8px 0 0', paddingLeft: 18 }}>
            {assessments.length === 0 && <li className="muted">No feedback yet.</li>}
            {assessments.map((assessment) => (
              <li key={assessment.assessment_id} data-testid="assessment">
                <strong>{assessment.assessment_name}</strong>:{' '}
                {JSON.stringify(assessment.feedback?.value ?? null)}
                {assessment.rationale && <span className="muted"> — {assessment.rationale}</span>}
                {assessment.source && (
                  <span className="muted"> ({assessment.source.source_type})</span>
                )}
              </li>
            ))}
          </ul>
        )}
      </Async>
    </div>
  );
}
