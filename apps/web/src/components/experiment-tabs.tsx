import { NavLink } from 'react-router-dom';
import { getExperiment } from '../lib/runs';
import { useApi } from '../lib/use-api';

/** The experiment's name and its tabs (runs, traces, sessions, evaluations). */
export function ExperimentHeader({ experimentId }: { experimentId: string }) {
  const experiment = useApi(() => getExperiment(experimentId), [experimentId]);
  return (
    <>
      <div className="muted" style={{ minHeight: 20 }}>
        <NavLink to="/experiments">Experiments</NavLink> /
      </div>
      <h1 style={{ minHeight: 28 }}>
        {experiment.data?.name ?? (experiment.error ? `Experiment ${experimentId}` : ' ')}
      </h1>
      <div className="tabs">
        <NavLink to={`/experiments/${experimentId}/runs`}>Runs</NavLink>
        <NavLink to={`/experiments/${experimentId}/traces`}>Traces</NavLink>
        <NavLink to={`/experiments/${experimentId}/sessions`}>Sessions</NavLink>
        <NavLink to={`/evaluations?experiment=${experimentId}`}>Evaluations</NavLink>
      </div>
    </>
  );
}
