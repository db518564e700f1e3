/** What a test changes in the demo deal; the rest is the reference system's sample. */
export interface DemoDealOptions {
  dealId?: string;
  status?: string;
  customer?: Record<string, unknown>;
  dealValue?: number;
}

/**
 * The reference system's demo payload (its README's curl example, with a real-looking
 * customer so that PII checks have something recognisable to look for).
 */
export function demoDeal(opts: DemoDealOptions = {}): Record<string, unknown> {
  return {
    status: 'success',
    message: 'Customer deal information retrieved successfully',
    data: {
      dealId: opts.dealId ?? 'D-927483-XYZ',
      customer: {
        contactId: 'CUST-45678',
        firstName: 'John',
        lastName: 'Doe',
        email: 'john.doe@example.com',
        phoneNumber: '+1234567890',
        ...opts.customer,
      },
      dealDetails: {
        dealName: 'The Grand Cypress Acquisition',
        dealValue: opts.dealValue ?? 12500000.0,
        currency: 'USD',
        status: opts.status ?? 'Qualified',
        closingDate: '2026-03-15',
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
