import type { ArrivalPlan } from './arrival-schedule.ts';

/** `10.00 per second (evenly spaced)`, `2.00 per second ramping over 3 stages (Poisson arrivals)`: for log lines. */
export function describePlan(plan: ArrivalPlan): string {
  const stages = plan.stages.length > 0 ? ` ramping over ${plan.stages.length} stage${plan.stages.length > 1 ? 's' : ''}` : '';
  return `${plan.rate.toFixed(2)} per second${stages} (${plan.spacing === 'poisson' ? 'Poisson arrivals' : 'evenly spaced'})`;
}
