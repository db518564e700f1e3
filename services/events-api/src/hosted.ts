import type { ApiPart } from '@hookstream/pipeline';

/** One provider's events-api part, with the provider it belongs to. */
export interface HostedApi {
  provider: string;
  part: ApiPart;
}
