/**
 * HubSpot's Kafka topics when KAFKA_TOPIC / KAFKA_DLQ_TOPIC are unset. The dead-letter CLI
 * defaults to them as well, so they are named once, here.
 */
export const DEFAULT_HUBSPOT_TOPIC = 'hubspot.events';
export const DEFAULT_HUBSPOT_DLQ_TOPIC = 'hubspot.events.dlq';
