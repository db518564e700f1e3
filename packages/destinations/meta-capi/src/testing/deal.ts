import type { DeliveryItem, Endpoint } from '@hookstream/deliveries';
import { endpointRow } from '@hookstream/deliveries/testing';

/** The reference system's demo deal body (systems/004), the ledger event's `raw`. */
export function demoDeal(
  overrides: { dealId?: string; status?: string; customer?: Record<string, unknown>; details?: Record<string, unknown> } = {},
): Record<string, unknown> {
  return {
    status: 'success',
    message: 'Customer deal information retrieved successfully',
    data: {
      dealId: overrides.dealId ?? 'D-927483-XYZ',
      customer: {
        contactId: 'CUST-45678',
        firstName: 'd1c8a6f05f42e8b2c45e06d910a3f8c5',
        lastName: '7e3b1d92c4a0f6e5b3c4a1d8f7e2c0b9',
        email: 'a5d2c1e8f9b0c3d4a7b6c5d8e1f0a9b8',
        phoneNumber: 'f8c7b6a5d4e3c2b1a0d9e8f7c6b5a4d3',
        ...overrides.customer,
      },
      dealDetails: {
        dealName: 'The Grand Cypress Acquisition',
        dealValue: 12500000.0,
        currency: 'USD',
        status: overrides.status ?? 'Qualified',
        closingDate: '2026-03-15',
        ...overrides.details,
      },
      propertyInformation: {
        propertyId: 'PROP-101122',
        address: '4509 Ocean View Dr, Suite 200',
        city: 'Coastal City',
        state: 'CA',
        zipCode: '90210',
        propertyType: 'Commercial Office',
        squareFootage: 15000,
      },
    },
  };
}

/** A delivery item carrying `raw`, occurred at `occurredAt` (ms). */
export function dealItem(raw: unknown, occurredAt: number, eventId = 1): DeliveryItem {
  return {
    eventId,
    event: { id: eventId, provider: 'crm', source: 'crm', type: 'deal_updated', occurredAt, receivedAt: occurredAt, raw },
    deliveryId: `msg_${eventId}`,
    attempt: 1,
  };
}

/** A Meta endpoint row as the dispatcher would pass it. */
export function metaEndpoint(destination: Record<string, unknown> | null): Endpoint {
  return endpointRow({ id: 'ep_meta', kind: 'meta_capi', url: 'meta:capi', destination, origin: 'rules' });
}
