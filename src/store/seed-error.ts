// Owns the one error a seed can fail with (file, entry and reason in the message); its own module so
// the seed schema and the GetAccountAuthorizationDetails importer both use it without importing each other.
export class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedError';
  }
}
