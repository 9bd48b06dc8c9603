/**
 * A self-signed certificate for 127.0.0.1 and localhost (P-256, valid for 100 years) and its
 * private key, made for the tests' HTTPS emulators only: it protects nothing. Microsoft's
 * authentication library refuses authorities that are not https, so the Entra emulator needs one;
 * tests hand the certificate to the provider as `caCertificate`.
 */
export const TEST_TLS_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIByDCCAW+gAwIBAgIUAVBPWRGWaMXbypTV7nJ8FYa3t3AwCgYIKoZIzj0EAwIw
KzEpMCcGA1UEAwwgS2V5Z2F0ZSB0ZXN0IGF1dGhvcml0eSAxMjcuMC4wLjEwIBcN
MjYxMTIzMTIyMTMxWhgPMjEyNjEwMzAxMjIxMzFaMCsxKTAnBgNVBAMMIEtleWdh
dGUgdGVzdCBhdXRob3JpdHkgMTI3LjAuMC4xMFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAEsd8u+5X5CbA4IIkvGFBD37xQTzbJkdloiBp+llONJSXbUcGwavUOQ0Ds
NoJkrNdSsNHxa5m8ak6zSQVpxA955aNvMG0wHQYDVR0OBBYEFNf1dIfV/zM63ts3
jaYBks+COQdcMB8GA1UdIwQYMBaAFNf1dIfV/zM63ts3jaYBks+COQdcMA8GA1Ud
EwEB/wQFMAMBAf8wGgYDVR0RBBMwEYcEfwAAAYIJbG9jYWxob3N0MAoGCCqGSM49
BAMCA0cAMEQCICge2oG6D1IQrAWtR4NIFus6JVMFtPkwZLc0DdTg1EdLAiBbG7eI
BoYqkkAu+iwBVP75Sb8MixxmfwG8oroWcd0qDg==
-----END CERTIFICATE-----
`;

export const TEST_TLS_PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgRbmp1kkF47/ZqMeN
NF1ijfI7XRMoHT/SuYomr1TWHRqhRANCAASx3y77lfkJsDggiS8YUEPfvFBPNsmR
2WiIGn6WU40lJdtRwbBq9Q5DQOw2gmSs11Kw0fFrmbxqTrNJBWnED3nl
-----END PRIVATE KEY-----
`;
