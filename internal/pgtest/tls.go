package pgtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"time"
)

// TLSRoot is the file of the CA certificate that signed the test server's
// certificate (for 127.0.0.1 and localhost): a URL with
// sslmode=verify-full&sslrootcert=TLSRoot() reaches it over TLS, checked.
// It starts the server if need be.
func TLSRoot() (string, error) {
	if _, err := server.start(); err != nil {
		return "", err
	}
	if server.kept() {
		return "", fmt.Errorf("the server named by SERVICEBOOK_PGTEST has no test certificate; unset it to test TLS")
	}
	return filepath.Join(server.dir, "root.crt"), nil
}

// OtherRoot writes, in dir, a CA certificate that did not sign the test
// server's: a client that trusts only it must refuse the server.
func OtherRoot(dir string) (string, error) {
	_, _, pemCA, err := newCA("servicebook test: another CA")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "other-root.crt")
	return path, os.WriteFile(path, pemCA, 0o644)
}

func newCA(name string) (*x509.Certificate, *ecdsa.PrivateKey, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		return nil, nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, nil, err
	}
	return cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

// writeCertificates writes root.crt, server.crt and server.key in the
// cluster's folder; the key belongs to the cluster's owner (PostgreSQL
// refuses a key others can read).
func (s *testServer) writeCertificates(owner string) error {
	ca, caKey, pemCA, err := newCA("servicebook test CA")
	if err != nil {
		return err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, ca, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	files := map[string][]byte{
		"root.crt":   pemCA,
		"server.crt": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		"server.key": pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
	}
	for name, data := range files {
		path := filepath.Join(s.dir, name)
		mode := os.FileMode(0o644)
		if name == "server.key" {
			mode = 0o600
		}
		if err := os.WriteFile(path, data, mode); err != nil {
			return err
		}
		if owner != "" {
			u, err := user.Lookup(owner)
			if err != nil {
				return err
			}
			uid, _ := strconv.Atoi(u.Uid)
			gid, _ := strconv.Atoi(u.Gid)
			if err := os.Chown(path, uid, gid); err != nil {
				return err
			}
		}
	}
	return nil
}
