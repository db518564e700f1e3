/** The reference system's demo deal (systems/004), at "Committed", with overrides for a test. */
export function committedDeal(property: Record<string, unknown> = {}, customer: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    status: 'success',
    message: 'Customer deal information retrieved successfully',
    data: {
      dealId: 'D-927483-XYZ',
      customer: { contactId: 'CUST-45678', firstName: 'John', lastName: 'Doe', email: 'john.doe@example.com', phoneNumber: '+1234567890', ...customer },
      dealDetails: { dealName: 'The Grand Cypress Acquisition', dealValue: 12500000.0, currency: 'USD', status: 'Committed', closingDate: '2026-03-15' },
      propertyInformation: {
        propertyId: 'PROP-101122',
        address: '4509 Ocean View Dr, Suite 200',
        city: 'Coastal City',
        state: 'CA',
        zipCode: '90210',
        propertyType: 'Commercial Office',
        squareFootage: 15000,
        ...property,
      },
    },
  };
}
