import { X509Certificate } from 'node:crypto';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Certificates a PEM file holds, or why it is not usable as an extra authority file. */
export function readAuthorities(text: string): { certificates: string[]; subjects: string[] } | 'ca_file_invalid' {
  const certificates = text.match(PEM_BLOCK) ?? [];
  if (certificates.length === 0) return 'ca_file_invalid';
  const subjects: string[] = [];
  for (const pem of certificates) {
    try {
      const cert = new X509Certificate(pem);
      subjects.push(cert.subject.replace(/\n/g, ', '));
    } catch {
      return 'ca_file_invalid';
    }
  }
  return { certificates, subjects };
}
