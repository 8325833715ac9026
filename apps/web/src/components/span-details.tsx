import { useState } from 'react';
import type { Span } from '../api/types';
import { formatCost, formatDuration, formatNumber } from '../lib/format';
import { chatMessages, retrievedDocuments } from '../lib/span-tree';
import { JsonView } from './json-tree';
import { Stat } from './llm-call-view';

/** One span: summary, error, conversation, documents, inputs/outputs, attributes and events. */
export function SpanDetails({ span }: { span: Span }) {
  const messages = chatMessages(span);
  const documents = span.span_type === 'RETRIEVER' ? retrievedDocuments(span) : undefined;
  const tabs = [
    ...(messages ? ['Chat'] : []),
    ...(documents ? ['Documents'] : []),
    'Inputs',
    'Outputs',
    'Attributes',
    'Events',
  ];
  const [chosen, setChosen] = useState<string>();
  const tab = chosen && tabs.includes(chosen) ? chosen : tabs[0];
  return (
    <div data-testid="span-details">
      <h2 style={{ marginTop: 0 }} className="row">
        {span.name} <span className="badge">{span.span_type}</span>
        <span className={`badge ${span.status === 'ERROR' ? 'error' : 'ok'}`}>
          {span.status.toLowerCase()}
        </span>
      </h2>
      <div className="row" style={{ gap: 24, marginBottom: 10 }}>
        <Stat label="duration" value={formatDuration(span.duration_ms)} />
        {span.model && <Stat label="model" value={span.model} />}
        {span.usage && (
          <Stat
            label="tokens in/out"
            value={`${formatNumber(span.usage.input_tokens)} / ${formatNumber(span.usage.output_tokens)}`}
          />
        )}
        {span.cost !== null && <Stat label="cost" value={formatCost(span.cost)} />}
      </div>
      {span.status === 'ERROR' && (
        <div
          className="panel"
          role="alert"
          style={{ borderColor: 'var(--danger)', marginBottom: 10 }}
        >
          <strong style={{ color: 'var(--danger)' }}>Error</strong>{' '}
          {span.status_message ?? 'This span failed.'}
          {span.events
            .filter((event) => event.name === 'exception')
            .map((event) => (
              <pre key={String(event.time_unix_nano)} className="muted">
                {String(event.attributes['exception.message'] ?? '')}
                {'\n'}
                {String(event.attributes['exception.stacktrace'] ?? '')}
              </pre>
            ))}
        </div>
      )}
      <div className="tabs" role="tablist">
        {tabs.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            className={tab === name ? 'active' : ''}
            onClick={() => setChosen(name)}
          >
            {name}
          </button>
        ))}
      </div>
      {tab === 'Chat' && messages && (
        <div data-testid="conversation">
          {messages.map((message, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: messages have no ids; order is fixed.
            <div key={index} className={`bubble ${message.role === 'user' ? 'user' : ''}`}>
              <div className="role">{message.role}</div>
              <pre style={{ fontFamily: 'inherit', fontSize: 14 }}>{message.content}</pre>
              {message.toolCalls?.map((call) => (
                <div key={call.name + call.arguments} className="mono muted">
                  → {call.name}({call.arguments})
                </div>
              ))}
            </div>
          ))}
        </div>
      )}
      {tab === 'Documents' &&
        documents?.map((document, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: documents are shown in retrieval order.
          <div key={index} className="panel" style={{ marginBottom: 8 }}>
            <div className="muted">Document {index + 1}</div>
            <pre style={{ fontFamily: 'inherit' }}>{document.content}</pre>
            {document.metadata !== undefined && <JsonView value={document.metadata} />}
          </div>
        ))}
      {tab === 'Inputs' && <ValueView value={span.inputs} />}
      {tab === 'Outputs' && <ValueView value={span.outputs} />}
      {tab === 'Attributes' && <JsonView value={span.attributes} />}
      {tab === 'Events' &&
        (span.events.length === 0 ? (
          <div className="muted">No events.</div>
        ) : (
          <JsonView value={span.events} />
        ))}
    </div>
  );
}

function ValueView({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <div className="muted">None recorded.</div>;
  if (typeof value === 'string') return <pre>{value}</pre>;
  return <JsonView value={value} />;
}
