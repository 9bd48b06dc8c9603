// A self-signed certificate for `secure.test` (P-256, valid until 2126), for https tests only.
// Committed so the suite needs no openssl binary; its key protects nothing.
export const TEST_TLS = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgbKmhj+ti9+czZPzE
02tjLrf9wTFfMsAOWppte1kaSyGhRANCAATqlppb6HtJjtmlB38cVyyvuDHZJiUU
+c6a/JenGVmbaMawsODf+NsGVyK6G+FCc58Pb3vNOqUWx4DkDZZNBg+E
-----END PRIVATE KEY-----`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBmjCCAUGgAwIBAgIUANT+JJl7sQ0j5j26IPNh9KD+5q4wCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLc2VjdXJlLnRlc3QwIBcNMjYxMTIzMTIyMzUyWhgPMjEyNjEw
MzAxMjIzNTJaMBYxFDASBgNVBAMMC3NlY3VyZS50ZXN0MFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAE6paaW+h7SY7ZpQd/HFcsr7gx2SYlFPnOmvyXpxlZm2jGsLDg
3/jbBlciuhvhQnOfD297zTqlFseA5A2WTQYPhKNrMGkwHQYDVR0OBBYEFFM8xq5X
nmEFY/ihCFAqENgbiSClMB8GA1UdIwQYMBaAFFM8xq5XnmEFY/ihCFAqENgbiSCl
MA8GA1UdEwEB/wQFMAMBAf8wFgYDVR0RBA8wDYILc2VjdXJlLnRlc3QwCgYIKoZI
zj0EAwIDRwAwRAIgbLZxZcgZRlZzbHh56hP9A5cp5kN/otCQ4d4hHDmithECIDD2
zjX5nkLKneJr57efbRFdY/wBHzjgS8M69KohAyrQ
-----END CERTIFICATE-----`,
};
