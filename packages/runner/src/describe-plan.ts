import type { ArrivalPlan } from './arrival-schedule.ts';

/** `10.00 per second (evenly spaced)`, `2.00 per second ramping over 3 stages (Poisson arrivals)`: for log lines. */
export function describePlan(plan: ArrivalPlan): string {
  const stages = plan.stages.length > 0 ? ` ramping over ${plan.stages.length} stage${plan.stages.length > 1 ? 's' : ''}` : '';
  const spacing =
    plan.spacing === 'poisson' ? 'Poisson arrivals' : plan.spacing === 'gamma' ? `gamma arrivals, burstiness ${plan.burstiness ?? 1}` : 'evenly spaced';
  return `${plan.rate.toFixed(2)} per second${stages} (${spacing})`;
}
