/** The range planning of dlq:inspect and dlq:redrive lives in @hookstream/kafka, shared with events-api's redrive. */
export { planRanges, type Plan, type PlanInput } from '@hookstream/kafka';
