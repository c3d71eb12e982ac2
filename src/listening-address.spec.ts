import { describeListening } from './listening-address';

describe('describeListening', () => {
  it('says a wildcard address is every interface, and gives a localhost URL to open', () => {
    expect(describeListening({ address: '0.0.0.0', family: 'IPv4', port: 3000 })).toBe(
      'listening on 0.0.0.0:3000 (every interface): dashboard at http://localhost:3000/ui/, Swagger UI at http://localhost:3000/api',
    );
    expect(describeListening({ address: '::', family: 'IPv6', port: 8080 })).toBe(
      'listening on [::]:8080 (every interface): dashboard at http://localhost:8080/ui/, Swagger UI at http://localhost:8080/api',
    );
  });

  it('names a specific address as it is, IPv6 in brackets', () => {
    expect(describeListening({ address: '10.1.2.3', family: 'IPv4', port: 3000 })).toBe(
      'listening on 10.1.2.3:3000: dashboard at http://10.1.2.3:3000/ui/, Swagger UI at http://10.1.2.3:3000/api',
    );
    expect(describeListening({ address: '::1', family: 'IPv6', port: 3000 })).toBe(
      'listening on [::1]:3000: dashboard at http://[::1]:3000/ui/, Swagger UI at http://[::1]:3000/api',
    );
  });

  it('falls back to what the server reports when it is not an IP address', () => {
    expect(describeListening('/run/scheduler.sock')).toBe('listening on /run/scheduler.sock');
  });
});
