/** @module sources: generic webhook sources declared in SOURCES_FILE (provider `sources`). */
export { genericSourceSchema, locatorSchema, type GenericSource, type GenericSourceInput, type Locator, type EventTypeLocator } from './schema.js';
export { compileSource, compileSources, PROVIDER, type CompiledSource, type DeliveryPlan, type SourceEntryInput } from './compile.js';
export { parseDelivery, type DeliveryRequest } from './delivery.js';
export type { SourceEvent } from './source-event.js';
export { parseOccurredAt } from './occurred-at.js';
export * from './limits.js';
export { sourcesProvider } from './provider.js';
export { sourcesEdgePart, sourcesIngress, SOURCES_PATH } from './edge.js';
export { loadSourcesSettings, SourcesSettingsSchema, type SourcesSettings } from './settings.js';
