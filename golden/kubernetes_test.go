package golden

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"

	"github.com/securegen/securegen/generator/cli"
	"github.com/securegen/securegen/generator/render"
	"github.com/securegen/securegen/generator/spec"
)

// deployCase is one set of answers whose deploy files are checked.
type deployCase struct {
	framework, preset, auth, tls, store, db string
}

func (c deployCase) String() string {
	return strings.Join([]string{c.framework, c.preset, c.auth, c.tls, c.store, c.db}, "-")
}

// deployCases covers every TLS mode, store, database and auth mode, and
// each pair of TLS mode with the others (pairwise; a database only with
// session and oidc, which have accounts or sessions to keep).
var deployCases = []deployCase{
	{"stdlib", "api", "none", "proxy", "memory", "none"},
	{"chi", "api", "apikey", "files", "redis", "none"},
	{"gin", "api", "jwt", "autocert", "memory", "none"},
	{"echo", "api", "jwt", "off", "redis", "none"},
	{"fiber", "spa-backend", "session", "proxy", "redis", "sqlite"},
	{"stdlib", "spa-backend", "session", "files", "memory", "postgres"},
	{"chi", "spa-backend", "session", "autocert", "redis", "postgres"},
	{"gin", "spa-backend", "oidc", "off", "memory", "sqlite"},
	{"echo", "spa-backend", "oidc", "autocert", "memory", "sqlite"},
	{"fiber", "spa-backend", "oidc", "files", "redis", "postgres"},
	{"stdlib", "internal", "apikey", "autocert", "redis", "none"},
	{"chi", "api", "none", "files", "memory", "none"},
	{"gin", "spa-backend", "session", "off", "memory", "none"},
	{"echo", "internal", "apikey", "proxy", "memory", "none"},
	{"fiber", "api", "oidc", "proxy", "redis", "postgres"},
	{"stdlib", "spa-backend", "session", "off", "redis", "postgres"},
	{"chi", "spa-backend", "oidc", "proxy", "memory", "none"},
	{"gin", "spa-backend", "oidc", "files", "redis", "none"},
}

// generateTree renders the project of c in memory.
func generateTree(t *testing.T, c deployCase) *render.Tree {
	t.Helper()
	a, err := spec.Resolve([]spec.Layer{{Values: spec.Values{
		"module": "example.com/team/orders", "framework": c.framework, "preset": c.preset,
		"auth": c.auth, "tls": c.tls, "rate_limit.store": c.store, "db": c.db,
	}}})
	if err != nil {
		t.Fatalf("%s: %v", c, err)
	}
	tree, err := cli.Generate(a, testVersion, nil)
	if err != nil {
		t.Fatalf("%s: %v", c, err)
	}
	return tree
}

// file returns the content of the generated file p, failing without it.
func file(t *testing.T, tree *render.Tree, p string) []byte {
	t.Helper()
	f, ok := tree.Lookup(p)
	if !ok {
		t.Fatalf("no %s", p)
	}
	return f.Data
}

// decodeStrict decodes the one YAML document of data into obj as the API
// server does (field names match case-sensitively), failing on an unknown,
// misspelt or duplicate field, and checks its kind and apiVersion.
func decodeStrict(t *testing.T, name string, data []byte, apiVersion, kind string, obj any) {
	t.Helper()
	if regexp.MustCompile(`(?m)^---`).Match(data) {
		t.Fatalf("%s: more than one YAML document; keep one object per file", name)
	}
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(data, &tm); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if tm.APIVersion != apiVersion || tm.Kind != kind {
		t.Fatalf("%s: %s %s, want %s %s", name, tm.APIVersion, tm.Kind, apiVersion, kind)
	}
	j, err := yaml.YAMLToJSONStrict(data) // duplicate keys fail here
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	strict, err := sigsjson.UnmarshalStrict(j, obj)
	if err != nil || len(strict) > 0 {
		t.Fatalf("%s: not a valid %s: %v %v", name, kind, err, strict)
	}
}

// shutdownDefaults reads SHUTDOWN_DELAY's and SHUTDOWN_TIMEOUT's defaults
// from the generated internal/config.
func shutdownDefaults(t *testing.T, tree *render.Tree) (delay, timeout time.Duration) {
	t.Helper()
	src := string(file(t, tree, "internal/config/config.go"))
	get := func(name string) time.Duration {
		m := regexp.MustCompile(name + `\s*=\s*"([^"]+)"`).FindStringSubmatch(src)
		if m == nil {
			t.Fatalf("internal/config/config.go has no %s", name)
		}
		d, err := time.ParseDuration(m[1])
		if err != nil {
			t.Fatalf("%s = %q: %v", name, m[1], err)
		}
		return d
	}
	return get("defaultShutdownDelay"), get("defaultShutdownTimeout")
}

// secretVars are the secret variables of c's service: each reaches the pod
// as a file, through NAME_FILE.
func secretVars(c deployCase) []string {
	var s []string
	switch c.auth {
	case "jwt":
		s = append(s, "JWT_SECRET")
	case "apikey":
		s = append(s, "API_KEY_HASHES")
	case "oidc":
		s = append(s, "OIDC_CLIENT_SECRET")
	}
	if c.db == "postgres" {
		s = append(s, "DATABASE_URL")
	}
	if c.store == "redis" {
		s = append(s, "REDIS_URL")
	}
	return s
}

// singleReplica reports whether c's service keeps state that one pod only
// may hold: a SQLite file, an ACME cache, accounts or sessions in memory.
func singleReplica(c deployCase) bool {
	return c.db == "sqlite" || c.tls == "autocert" ||
		c.auth == "session" && c.db == "none" ||
		c.auth == "oidc" && c.db == "none" && c.store == "memory"
}

// manifests are the decoded objects of deploy/kubernetes.
type manifests struct {
	deployment appsv1.Deployment
	service    corev1.Service
	policy     networkingv1.NetworkPolicy
	pdb        policyv1.PodDisruptionBudget
	pvcs       map[string]corev1.PersistentVolumeClaim // by file
}

// decodeManifests decodes every manifest of c strictly, and fails on a
// manifest missing or one more.
func decodeManifests(t *testing.T, c deployCase, tree *render.Tree) manifests {
	t.Helper()
	want := []string{"deployment.yaml", "networkpolicy.yaml", "pdb.yaml", "service.yaml"}
	if c.tls == "autocert" {
		want = append(want, "pvc-acme.yaml")
	}
	if c.db == "sqlite" {
		want = append(want, "pvc-data.yaml")
	}
	var got []string
	for _, f := range tree.Files {
		if dir, name := path.Split(f.Path); dir == "deploy/kubernetes/" && (strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".json")) {
			got = append(got, name)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("deploy/kubernetes has %q, want %q", got, want)
	}
	m := manifests{pvcs: map[string]corev1.PersistentVolumeClaim{}}
	dir := "deploy/kubernetes/"
	decodeStrict(t, "deployment.yaml", file(t, tree, dir+"deployment.yaml"), "apps/v1", "Deployment", &m.deployment)
	decodeStrict(t, "service.yaml", file(t, tree, dir+"service.yaml"), "v1", "Service", &m.service)
	decodeStrict(t, "networkpolicy.yaml", file(t, tree, dir+"networkpolicy.yaml"), "networking.k8s.io/v1", "NetworkPolicy", &m.policy)
	decodeStrict(t, "pdb.yaml", file(t, tree, dir+"pdb.yaml"), "policy/v1", "PodDisruptionBudget", &m.pdb)
	for _, name := range want {
		if strings.HasPrefix(name, "pvc-") {
			var pvc corev1.PersistentVolumeClaim
			decodeStrict(t, name, file(t, tree, dir+name), "v1", "PersistentVolumeClaim", &pvc)
			m.pvcs[name] = pvc
		}
	}
	return m
}

// selects reports whether the non-empty selector sel selects a pod with
// podLabels.
func selects(t *testing.T, sel *metav1.LabelSelector, podLabels map[string]string) bool {
	t.Helper()
	if sel == nil || len(sel.MatchLabels)+len(sel.MatchExpressions) == 0 {
		return false
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		t.Errorf("selector %v: %v", sel, err)
		return false
	}
	return s.Matches(labels.Set(podLabels))
}

// envOf returns the container's variables by name, failing on one set
// twice.
func envOf(t *testing.T, ctr corev1.Container) map[string]corev1.EnvVar {
	t.Helper()
	env := map[string]corev1.EnvVar{}
	for _, e := range ctr.Env {
		if _, dup := env[e.Name]; dup {
			t.Errorf("%s is set twice", e.Name)
		}
		env[e.Name] = e
	}
	return env
}

// portOf returns the number of the container port named name, or 0.
func portOf(ctr corev1.Container, name string) int32 {
	for _, p := range ctr.Ports {
		if p.Name == name {
			return p.ContainerPort
		}
	}
	return 0
}

// listenPort returns the port of a listen address such as :8443.
func listenPort(t *testing.T, what, addr string) int32 {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	n, err2 := strconv.Atoi(port)
	if err != nil || err2 != nil || n < 1 || n > 65535 {
		t.Errorf("%s=%q is not a listen address with a port", what, addr)
	}
	return int32(n)
}

// mountOf returns the volume mounted at the directory that holds p, and
// the mount, or nil.
func mountOf(pod corev1.PodSpec, ctr corev1.Container, p string) (*corev1.Volume, *corev1.VolumeMount) {
	for i, m := range ctr.VolumeMounts {
		if strings.HasPrefix(p, strings.TrimSuffix(m.MountPath, "/")+"/") {
			for j, v := range pod.Volumes {
				if v.Name == m.Name {
					return &pod.Volumes[j], &ctr.VolumeMounts[i]
				}
			}
			return nil, &ctr.VolumeMounts[i]
		}
	}
	return nil, nil
}

// The manifests of deploy/kubernetes decode strictly into the Kubernetes
// API types (an unknown or misspelt field fails) and carry the controls
// the service needs in production, for every TLS mode, store, database and
// auth mode.
func TestKubernetesManifests(t *testing.T) {
	for _, c := range deployCases {
		t.Run(c.String(), func(t *testing.T) {
			tree := generateTree(t, c)
			m := decodeManifests(t, c, tree)
			checkDeployment(t, c, tree, m)
			checkService(t, c, m)
			checkNetworkPolicy(t, c, m)
			checkPDB(t, c, m)
			checkDeployREADME(t, c, tree)
		})
	}
}

func checkDeployment(t *testing.T, c deployCase, tree *render.Tree, m manifests) {
	const name = "orders" // the service name of example.com/team/orders
	d := m.deployment
	pod := d.Spec.Template.Spec
	podLabels := d.Spec.Template.Labels
	if d.Name != name || !selects(t, d.Spec.Selector, podLabels) {
		t.Errorf("Deployment %q: selector %v does not select its pods %v", d.Name, d.Spec.Selector, podLabels)
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Containers))
	}
	ctr := pod.Containers[0]

	// Replicas and updates.
	replicas := int32(1)
	if d.Spec.Replicas != nil {
		replicas = *d.Spec.Replicas
	}
	if singleReplica(c) {
		if replicas != 1 || d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType {
			t.Errorf("replicas %d, strategy %q; want 1 and Recreate: the state is the pod's", replicas, d.Spec.Strategy.Type)
		}
	} else if replicas < 2 || d.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType {
		t.Errorf("replicas %d, strategy %q; want 2 or more, rolled", replicas, d.Spec.Strategy.Type)
	}

	// Security context: pod level, or the container's own.
	psc, csc := pod.SecurityContext, ctr.SecurityContext
	if psc == nil {
		psc = &corev1.PodSecurityContext{}
	}
	if csc == nil {
		t.Fatal("the container has no securityContext")
	}
	if !(isTrue(csc.RunAsNonRoot) || csc.RunAsNonRoot == nil && isTrue(psc.RunAsNonRoot)) {
		t.Error("runAsNonRoot is not true")
	}
	if uid := firstInt64(csc.RunAsUser, psc.RunAsUser); uid == nil || *uid == 0 {
		t.Errorf("runAsUser %v, want the image's nonroot user", uid)
	}
	if !isFalse(csc.AllowPrivilegeEscalation) {
		t.Error("allowPrivilegeEscalation is not false")
	}
	if !isTrue(csc.ReadOnlyRootFilesystem) {
		t.Error("readOnlyRootFilesystem is not true")
	}
	if isTrue(csc.Privileged) {
		t.Error("the container is privileged")
	}
	if csc.Capabilities == nil || !slices.Equal(csc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(csc.Capabilities.Add) != 0 {
		t.Errorf("capabilities %+v, want drop ALL and add none", csc.Capabilities)
	}
	seccomp := csc.SeccompProfile
	if seccomp == nil {
		seccomp = psc.SeccompProfile
	}
	if seccomp == nil || seccomp.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("seccompProfile %+v, want RuntimeDefault", seccomp)
	}
	if !isFalse(pod.AutomountServiceAccountToken) {
		t.Error("automountServiceAccountToken is not false: the service never calls the API")
	}
	if pod.HostNetwork || pod.HostPID || pod.HostIPC {
		t.Error("the pod shares a host namespace")
	}

	// Requests and limits.
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		req, lim := ctr.Resources.Requests[r], ctr.Resources.Limits[r]
		if req.IsZero() || lim.IsZero() || lim.Cmp(req) < 0 {
			t.Errorf("%s: request %s, limit %s; want both, the limit at least the request", r, req.String(), lim.String())
		}
	}

	// Grace period above the drain.
	delay, timeout := shutdownDefaults(t, tree)
	switch g := pod.TerminationGracePeriodSeconds; {
	case g == nil:
		t.Errorf("no terminationGracePeriodSeconds, want more than SHUTDOWN_DELAY + SHUTDOWN_TIMEOUT = %s", delay+timeout)
	case time.Duration(*g)*time.Second <= delay+timeout:
		t.Errorf("terminationGracePeriodSeconds %d, want more than SHUTDOWN_DELAY + SHUTDOWN_TIMEOUT = %s", *g, delay+timeout)
	}

	// Listen addresses and ports.
	env := envOf(t, ctr)
	https := c.tls == "files" || c.tls == "autocert"
	public := "http"
	if https {
		public = "https"
	}
	addrPort := listenPort(t, "ADDR", env["ADDR"].Value)
	if got := portOf(ctr, public); got == 0 || got != addrPort {
		t.Errorf("container port %q = %d, ADDR = %q: they must agree", public, got, env["ADDR"].Value)
	}
	if c.tls == "autocert" {
		if got := portOf(ctr, "http"); got == 0 || got != listenPort(t, "HTTP_ADDR", env["HTTP_ADDR"].Value) {
			t.Errorf("container port http = %d, HTTP_ADDR = %q: they must agree", got, env["HTTP_ADDR"].Value)
		}
	}
	if env["METRICS_ADDR"].Value != ":9090" || portOf(ctr, "metrics") != 9090 {
		t.Errorf("METRICS_ADDR %q, container port metrics %d; want :9090 and a port named metrics", env["METRICS_ADDR"].Value, portOf(ctr, "metrics"))
	}
	for _, p := range ctr.Ports {
		if p.HostPort != 0 {
			t.Errorf("port %s has hostPort %d", p.Name, p.HostPort)
		}
	}
	if tp, ok := env["TRUSTED_PROXIES"]; !ok || tp.Value == "0.0.0.0/0" || tp.Value == "::/0" {
		t.Errorf("TRUSTED_PROXIES %+v: want it set (the ingress, or none)", tp)
	}

	// Every variable is one the service (or the Go runtime) reads.
	var configSrc strings.Builder
	for _, f := range tree.Files {
		if strings.HasPrefix(f.Path, "internal/config/") && strings.HasSuffix(f.Path, ".go") && !strings.HasSuffix(f.Path, "_test.go") {
			configSrc.Write(f.Data)
		}
	}
	for n := range env {
		read := strings.TrimSuffix(n, "_FILE")
		if n == "TLS_CERT_FILE" || n == "TLS_KEY_FILE" {
			read = n
		}
		if n != "GOMEMLIMIT" && !strings.Contains(configSrc.String(), strconv.Quote(read)) {
			t.Errorf("%s is set, but internal/config never reads %s", n, read)
		}
	}

	// Probes.
	checkProbes(t, c, ctr, public)

	// Secrets: files of a Secret, named NAME_FILE, never values.
	for _, e := range ctr.Env {
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			t.Errorf("%s comes from a Secret as an environment value; mount it as a file (NAME_FILE)", e.Name)
		}
	}
	if len(ctr.EnvFrom) != 0 {
		t.Errorf("envFrom %+v: every variable is listed, secrets as files", ctr.EnvFrom)
	}
	secrets := secretVars(c)
	configSecrets := ""
	if f, ok := tree.Lookup("internal/config/files.go"); ok {
		configSecrets = string(f.Data) // the variables that accept NAME_FILE
	}
	for _, s := range secrets {
		if v, ok := env[s]; ok {
			t.Errorf("the secret %s is set as a value (%q); want %s_FILE", s, v.Value, s)
		}
		f, ok := env[s+"_FILE"]
		if !ok {
			t.Errorf("no %s_FILE", s)
			continue
		}
		if configSecrets != "" && !strings.Contains(configSecrets, strconv.Quote(s)) {
			t.Errorf("%s_FILE is set, but internal/config does not read %s from a file", s, s)
		}
		vol, mount := mountOf(pod, ctr, f.Value)
		switch {
		case vol == nil || vol.Secret == nil:
			t.Errorf("%s_FILE=%q is not on a Secret volume", s, f.Value)
		case !mount.ReadOnly:
			t.Errorf("the Secret volume %s is mounted read-write", vol.Name)
		case vol.Secret.SecretName != name+"-secrets":
			t.Errorf("%s comes from the Secret %q, want %s-secrets", s, vol.Secret.SecretName, name)
		case path.Base(f.Value) != s || path.Dir(f.Value) != strings.TrimSuffix(mount.MountPath, "/"):
			t.Errorf("%s_FILE=%q: want the Secret's key %s in %s", s, f.Value, s, mount.MountPath)
		}
	}
	for n := range env {
		if strings.HasSuffix(n, "_FILE") && n != "TLS_CERT_FILE" && n != "TLS_KEY_FILE" && !slices.Contains(secrets, strings.TrimSuffix(n, "_FILE")) {
			t.Errorf("%s is set, but %s is not a secret of this service", n, strings.TrimSuffix(n, "_FILE"))
		}
	}
	if c.tls == "files" {
		for n, key := range map[string]string{"TLS_CERT_FILE": "tls.crt", "TLS_KEY_FILE": "tls.key"} {
			vol, mount := mountOf(pod, ctr, env[n].Value)
			if vol == nil || vol.Secret == nil || vol.Secret.SecretName != name+"-tls" || !mount.ReadOnly || path.Base(env[n].Value) != key {
				t.Errorf("%s=%q: want %s of the Secret %s-tls, mounted read-only", n, env[n].Value, key, name)
			}
		}
	}
	for _, v := range pod.Volumes {
		if v.Secret != nil && (v.Secret.DefaultMode == nil || *v.Secret.DefaultMode&0o007 != 0) {
			t.Errorf("Secret volume %s: defaultMode %v lets other users read it", v.Name, v.Secret.DefaultMode)
		}
	}

	// Writable paths: /tmp, and the volumes of the state.
	if vol, _ := mountOf(pod, ctr, "/tmp/x"); vol == nil || vol.EmptyDir == nil {
		t.Error("no emptyDir on /tmp: the root file system is read-only")
	}
	for _, v := range ctr.VolumeMounts {
		if vol, _ := mountOf(pod, ctr, v.MountPath+"/x"); vol == nil {
			t.Errorf("volume mount %s names no volume", v.Name)
		}
	}
	checkClaim := func(variable, file string) {
		pvc, ok := m.pvcs[file]
		vol, mount := mountOf(pod, ctr, env[variable].Value+"/")
		switch {
		case !ok:
			t.Errorf("no %s", file)
		case vol == nil || vol.PersistentVolumeClaim == nil || vol.PersistentVolumeClaim.ClaimName != pvc.Name || mount.ReadOnly:
			t.Errorf("%s=%q is not on the claim %s, mounted read-write", variable, env[variable].Value, pvc.Name)
		}
		if req := pvc.Spec.Resources.Requests[corev1.ResourceStorage]; req.IsZero() || !slices.Contains(pvc.Spec.AccessModes, corev1.ReadWriteOnce) {
			t.Errorf("%s: storage %s, access %v; want a size and ReadWriteOnce", file, req.String(), pvc.Spec.AccessModes)
		}
	}
	if c.db == "sqlite" {
		checkClaim("DATABASE_URL", "pvc-data.yaml")
	}
	if c.tls == "autocert" {
		checkClaim("ACME_CACHE_DIR", "pvc-acme.yaml")
	}
}

// checkProbes checks the liveness and readiness probes: /healthz and
// /readyz on the public port, over HTTPS when the service serves it; with
// autocert, whose certificate needs the server name the kubelet does not
// send, the healthcheck subcommand.
func checkProbes(t *testing.T, c deployCase, ctr corev1.Container, public string) {
	t.Helper()
	for _, p := range []struct {
		what  string
		probe *corev1.Probe
		path  string
		args  []string
	}{
		{"liveness", ctr.LivenessProbe, "/healthz", []string{"/orders", "healthcheck"}},
		{"readiness", ctr.ReadinessProbe, "/readyz", []string{"/orders", "healthcheck", "ready"}},
	} {
		switch {
		case p.probe == nil:
			t.Errorf("no %s probe", p.what)
		case c.tls == "autocert":
			if p.probe.Exec == nil || !slices.Equal(p.probe.Exec.Command, p.args) {
				t.Errorf("%s probe %+v, want exec %q", p.what, p.probe.ProbeHandler, p.args)
			}
		default:
			g := p.probe.HTTPGet
			scheme := corev1.URISchemeHTTP
			if c.tls == "files" {
				scheme = corev1.URISchemeHTTPS
			}
			if g == nil || g.Path != p.path || g.Scheme != scheme || g.Port != intstr.FromString(public) || portOf(ctr, public) == 0 {
				t.Errorf("%s probe %+v, want GET %s over %s on the port %s", p.what, p.probe.ProbeHandler, p.path, scheme, public)
			}
		}
		if p.probe != nil && (p.probe.TimeoutSeconds < 1 || p.probe.PeriodSeconds < 1) {
			t.Errorf("%s probe: timeout %ds, period %ds", p.what, p.probe.TimeoutSeconds, p.probe.PeriodSeconds)
		}
	}
}

func checkService(t *testing.T, c deployCase, m manifests) {
	t.Helper()
	s := m.service
	ctr := m.deployment.Spec.Template.Spec.Containers[0]
	if !selects(t, &metav1.LabelSelector{MatchLabels: s.Spec.Selector}, m.deployment.Spec.Template.Labels) {
		t.Errorf("Service selector %v does not select the pods %v", s.Spec.Selector, m.deployment.Spec.Template.Labels)
	}
	want := map[int32]string{80: "http"}
	switch c.tls {
	case "files":
		want = map[int32]string{443: "https"}
	case "autocert":
		want = map[int32]string{443: "https", 80: "http"}
		if s.Spec.Type != corev1.ServiceTypeLoadBalancer || s.Spec.ExternalTrafficPolicy != corev1.ServiceExternalTrafficPolicyLocal {
			t.Errorf("Service %s, externalTrafficPolicy %q; want a LoadBalancer with Local: autocert faces the Internet, and the rate limit needs the clients' addresses", s.Spec.Type, s.Spec.ExternalTrafficPolicy)
		}
	}
	got := map[int32]string{}
	for _, p := range s.Spec.Ports {
		got[p.Port] = p.TargetPort.String()
		if p.TargetPort.Type != intstr.String || portOf(ctr, p.TargetPort.StrVal) == 0 {
			t.Errorf("Service port %d targets %s, which is no named container port", p.Port, p.TargetPort.String())
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Service ports %v, want %v (never the metrics)", got, want)
	}
}

func checkNetworkPolicy(t *testing.T, c deployCase, m manifests) {
	t.Helper()
	np := m.policy.Spec
	ctr := m.deployment.Spec.Template.Spec.Containers[0]
	if !selects(t, &np.PodSelector, m.deployment.Spec.Template.Labels) {
		t.Errorf("NetworkPolicy podSelector %v does not select the pods", np.PodSelector)
	}
	if !slices.Contains(np.PolicyTypes, networkingv1.PolicyTypeIngress) || !slices.Contains(np.PolicyTypes, networkingv1.PolicyTypeEgress) {
		t.Errorf("policyTypes %v, want Ingress and Egress", np.PolicyTypes)
	}
	// Ingress: the service's ports from anywhere, the metrics from the
	// monitoring namespace only; nothing else.
	var public []string
	for _, p := range m.service.Spec.Ports {
		public = append(public, p.TargetPort.StrVal)
	}
	slices.Sort(public)
	var fromAnywhere []string
	metrics := false
	for _, r := range np.Ingress {
		if len(r.Ports) == 0 {
			t.Errorf("ingress rule %+v admits every port", r)
		}
		for _, p := range r.Ports {
			if p.Port == nil || p.Port.Type != intstr.String || portOf(ctr, p.Port.StrVal) == 0 {
				t.Errorf("ingress port %v is no named container port", p.Port)
				continue
			}
			switch {
			case len(r.From) == 0:
				fromAnywhere = append(fromAnywhere, p.Port.StrVal)
			case p.Port.StrVal == "metrics":
				for _, f := range r.From {
					if f.NamespaceSelector == nil || len(f.NamespaceSelector.MatchLabels) == 0 || f.IPBlock != nil {
						t.Errorf("metrics admitted from %+v, want a labelled namespace", f)
					}
				}
				metrics = true
			}
		}
	}
	slices.Sort(fromAnywhere)
	if !slices.Equal(fromAnywhere, public) {
		t.Errorf("ports open to anywhere %v, want the Service's %v only", fromAnywhere, public)
	}
	if !metrics {
		t.Error("no ingress rule admits Prometheus to the metrics port")
	}
	// Egress: DNS to the cluster's resolver, and the ports of what the
	// service uses.
	want := map[string]bool{"UDP/53": true, "TCP/53": true}
	if c.store == "redis" {
		want["TCP/6379"] = true
	}
	if c.db == "postgres" {
		want["TCP/5432"] = true
	}
	if c.auth == "jwt" || c.auth == "oidc" || c.tls == "autocert" {
		want["TCP/443"] = true
	}
	got := map[string]bool{}
	for _, r := range np.Egress {
		if len(r.Ports) == 0 {
			t.Errorf("egress rule %+v allows every port", r)
		}
		for _, p := range r.Ports {
			proto := corev1.ProtocolTCP
			if p.Protocol != nil {
				proto = *p.Protocol
			}
			key := fmt.Sprintf("%s/%s", proto, p.Port)
			got[key] = true
			if p.Port != nil && p.Port.IntValue() == 53 && (len(r.To) == 0 || r.To[0].NamespaceSelector == nil) {
				t.Errorf("DNS allowed to %+v, want the cluster's resolver", r.To)
			}
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("egress ports %v, want %v", got, want)
	}
}

func checkPDB(t *testing.T, c deployCase, m manifests) {
	t.Helper()
	pdb := m.pdb.Spec
	if !selects(t, pdb.Selector, m.deployment.Spec.Template.Labels) {
		t.Errorf("PodDisruptionBudget selector %v does not select the pods", pdb.Selector)
	}
	replicas := 1 // the API's default
	if r := m.deployment.Spec.Replicas; r != nil {
		replicas = int(*r)
	}
	switch {
	case pdb.MaxUnavailable != nil:
		if n := pdb.MaxUnavailable.IntValue(); pdb.MaxUnavailable.Type != intstr.Int || n < 1 || n >= max(replicas, 2) {
			t.Errorf("maxUnavailable %s with %d replicas: want one pod at a time", pdb.MaxUnavailable.String(), replicas)
		}
	case pdb.MinAvailable != nil:
		if n := pdb.MinAvailable.IntValue(); pdb.MinAvailable.Type != intstr.Int || n < 1 || n >= replicas {
			t.Errorf("minAvailable %s with %d replicas blocks every drain, or protects nothing", pdb.MinAvailable.String(), replicas)
		}
	default:
		t.Error("the PodDisruptionBudget sets neither maxUnavailable nor minAvailable")
	}
}

// checkDeployREADME checks that the README says how to apply the
// manifests and create the Secrets they reference.
func checkDeployREADME(t *testing.T, c deployCase, tree *render.Tree) {
	t.Helper()
	readme := string(file(t, tree, "deploy/kubernetes/README.md"))
	want := []string{"kubectl apply -f deploy/kubernetes/"}
	if s := secretVars(c); len(s) > 0 {
		want = append(want, "kubectl create secret generic orders-secrets")
		for _, v := range s {
			want = append(want, "secrets/"+v)
		}
	}
	if c.tls == "files" {
		want = append(want, "kubectl create secret tls orders-tls")
	}
	if c.tls == "proxy" {
		want = append(want, "TRUSTED_PROXIES")
	}
	for _, w := range want {
		if !strings.Contains(readme, w) {
			t.Errorf("deploy/kubernetes/README.md does not say %q", w)
		}
	}
	if root := string(file(t, tree, "README.md")); !strings.Contains(root, "deploy/kubernetes") {
		t.Error("README.md does not point to deploy/kubernetes")
	}
}

// compose is the part of compose.yaml checked.
type compose struct {
	Services map[string]struct {
		NetworkMode     string            `json:"network_mode"`
		Ports           []string          `json:"ports"`
		Environment     map[string]string `json:"environment"`
		Volumes         []string          `json:"volumes"`
		ReadOnly        bool              `json:"read_only"`
		CapDrop         []string          `json:"cap_drop"`
		SecurityOpt     []string          `json:"security_opt"`
		StopGracePeriod string            `json:"stop_grace_period"`
		Healthcheck     struct {
			Test []string `json:"test"`
		} `json:"healthcheck"`
	} `json:"services"`
	Volumes map[string]any `json:"volumes"`
}

// compose.yaml runs the service hardened, checked by its healthcheck
// subcommand, stopped after its drain, with the ports and volumes of its
// TLS mode and database; the Dockerfile has the same healthcheck.
func TestComposeAndDockerfileHealthcheck(t *testing.T) {
	for _, c := range deployCases {
		t.Run(c.String(), func(t *testing.T) {
			tree := generateTree(t, c)
			check := []string{"CMD", "/orders", "healthcheck"}
			if df := string(file(t, tree, "Dockerfile")); !regexp.MustCompile(`(?m)^HEALTHCHECK (--\S+ )*CMD \["/orders", "healthcheck"\]$`).MatchString(df) {
				t.Errorf("the Dockerfile has no HEALTHCHECK running /orders healthcheck:\n%s", df)
			}
			var cf compose
			if err := yaml.Unmarshal(file(t, tree, "compose.yaml"), &cf); err != nil {
				t.Fatalf("compose.yaml: %v", err)
			}
			svc, ok := cf.Services["orders"]
			if !ok {
				t.Fatalf("compose.yaml has no service orders")
			}
			if !slices.Equal(svc.Healthcheck.Test, check) {
				t.Errorf("healthcheck %q, want %q", svc.Healthcheck.Test, check)
			}
			if !svc.ReadOnly || !slices.Equal(svc.CapDrop, []string{"ALL"}) || !slices.Contains(svc.SecurityOpt, "no-new-privileges:true") {
				t.Errorf("read_only %v, cap_drop %v, security_opt %v: want read-only, ALL, no-new-privileges", svc.ReadOnly, svc.CapDrop, svc.SecurityOpt)
			}
			delay, timeout := shutdownDefaults(t, tree)
			if g, err := time.ParseDuration(svc.StopGracePeriod); err != nil || g <= delay+timeout {
				t.Errorf("stop_grace_period %q, want more than SHUTDOWN_DELAY + SHUTDOWN_TIMEOUT = %s", svc.StopGracePeriod, delay+timeout)
			}
			ports := svc.Ports
			if c.db == "postgres" {
				ports = cf.Services["postgres"].Ports // the service shares its network namespace
				if svc.NetworkMode != "service:postgres" {
					t.Errorf("network_mode %q, want service:postgres", svc.NetworkMode)
				}
			}
			addr := svc.Environment["ADDR"]
			switch c.tls {
			case "autocert":
				if addr != ":443" || svc.Environment["HTTP_ADDR"] != ":80" || !slices.Contains(ports, "443:443") || !slices.Contains(ports, "80:80") {
					t.Errorf("ADDR %q, HTTP_ADDR %q, ports %q: want 443 and 80 published", addr, svc.Environment["HTTP_ADDR"], ports)
				}
				cache := svc.Environment["ACME_CACHE_DIR"]
				if _, ok := cf.Volumes["acme"]; !ok || cache == "" || !slices.Contains(svc.Volumes, "acme:"+cache) {
					t.Errorf("ACME_CACHE_DIR %q, volumes %q: want the cache on the named volume acme", cache, svc.Volumes)
				}
			default:
				// The published port is the port of ADDR.
				port := strings.TrimPrefix(addr, ":")
				if !strings.HasPrefix(addr, ":") || !slices.Contains(ports, "127.0.0.1:"+port+":"+port) {
					t.Errorf("ADDR %q, ports %q: want ADDR's port published on 127.0.0.1", addr, ports)
				}
			}
			if c.tls == "files" {
				cert, key := svc.Environment["TLS_CERT_FILE"], svc.Environment["TLS_KEY_FILE"]
				mounted := false
				for _, v := range svc.Volumes {
					parts := strings.Split(v, ":") // the source may hold a colon: ${TLS_DIR:-./tls}
					n := len(parts)
					mounted = mounted || n >= 3 && parts[n-1] == "ro" && path.Dir(cert) == parts[n-2] && path.Dir(key) == parts[n-2]
				}
				if !mounted {
					t.Errorf("TLS_CERT_FILE %q, TLS_KEY_FILE %q, volumes %q: want their directory mounted read-only", cert, key, svc.Volumes)
				}
			}
			if c.db == "sqlite" && !slices.Contains(svc.Volumes, "data:/var/lib/orders") {
				t.Errorf("volumes %q: want the SQLite directory on the volume data", svc.Volumes)
			}
		})
	}
}

// dependabot is .github/dependabot.yml, every field it may have here.
type dependabot struct {
	Version int `json:"version"`
	Updates []struct {
		Ecosystem string `json:"package-ecosystem"`
		Directory string `json:"directory"`
		Schedule  struct {
			Interval string `json:"interval"`
		} `json:"schedule"`
		Groups map[string]struct {
			Patterns []string `json:"patterns"`
		} `json:"groups"`
	} `json:"updates"`
}

// Every project keeps its modules, actions and base images current through
// Dependabot (weekly, grouped), and its CI workflow's token can only read.
func TestDependabotAndCIPermissions(t *testing.T) {
	for _, c := range deployCases[:5] {
		t.Run(c.String(), func(t *testing.T) {
			tree := generateTree(t, c)
			var d dependabot
			if err := yaml.UnmarshalStrict(file(t, tree, ".github/dependabot.yml"), &d); err != nil {
				t.Fatalf(".github/dependabot.yml: %v", err)
			}
			var got []string
			for _, u := range d.Updates {
				got = append(got, u.Ecosystem)
				grouped := false
				for _, g := range u.Groups {
					grouped = grouped || slices.Contains(g.Patterns, "*")
				}
				if u.Directory != "/" || u.Schedule.Interval != "weekly" || !grouped {
					t.Errorf("%s: directory %q, interval %q, groups %v; want /, weekly, one group of all", u.Ecosystem, u.Directory, u.Schedule.Interval, u.Groups)
				}
			}
			slices.Sort(got)
			if d.Version != 2 || !slices.Equal(got, []string{"docker", "github-actions", "gomod"}) {
				t.Errorf("version %d, ecosystems %q; want 2 and docker, github-actions, gomod", d.Version, got)
			}

			var ci struct {
				Permissions map[string]string `json:"permissions"`
				Jobs        map[string]struct {
					Permissions any `json:"permissions"`
				} `json:"jobs"`
			}
			if err := yaml.Unmarshal(file(t, tree, ".github/workflows/ci.yml"), &ci); err != nil {
				t.Fatalf(".github/workflows/ci.yml: %v", err)
			}
			if fmt.Sprint(ci.Permissions) != "map[contents:read]" {
				t.Errorf("CI workflow permissions %v, want contents: read only", ci.Permissions)
			}
			for name, j := range ci.Jobs {
				if j.Permissions != nil {
					t.Errorf("CI job %s sets its own permissions %v", name, j.Permissions)
				}
			}
		})
	}
}

func isTrue(b *bool) bool  { return b != nil && *b }
func isFalse(b *bool) bool { return b != nil && !*b }

// firstInt64 returns the first non-nil of vs.
func firstInt64(vs ...*int64) *int64 {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	return nil
}

// The Deployment's environment and its Secrets, as files with the mode they
// are mounted with, start the service with nothing else in its environment
// (but, with autocert, a cached certificate and a CA that is a closed
// port), and the service then passes its probes as the kubelet runs them
// (HTTP, HTTPS, or the healthcheck subcommand), serves its metrics on the
// port named metrics and, on SIGTERM, answers 503 on /readyz and exits 0
// within the grace period.
func TestDeploymentStartsTheService(t *testing.T) {
	bin := endToEnd(t, "builds services and runs them in their Deployment's environment")
	for _, c := range []deployCase{
		{"stdlib", "api", "jwt", "files", "memory", "none"},
		{"gin", "internal", "apikey", "proxy", "memory", "none"},
		{"fiber", "spa-backend", "oidc", "off", "memory", "sqlite"},
		{"echo", "spa-backend", "session", "autocert", "memory", "none"},
	} {
		t.Run(c.String(), func(t *testing.T) {
			work := t.TempDir()
			run(t, work, bin, "new", "orders", "--module", "example.com/team/orders", "--yes", "--framework", c.framework,
				"--preset", c.preset, "--auth", c.auth, "--tls", c.tls, "--rate-limit-store", c.store, "--db", c.db)
			dir := filepath.Join(work, "orders")
			data, err := os.ReadFile(filepath.Join(dir, "deploy", "kubernetes", "deployment.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var d appsv1.Deployment
			decodeStrict(t, "deployment.yaml", data, "apps/v1", "Deployment", &d)
			p := podOf(t, c, d)
			p.bin = buildService(t, dir, "orders")
			svc := exec.Command(p.bin)
			svc.Dir, svc.Env = p.root, p.env
			logs := &syncLog{}
			svc.Stdout, svc.Stderr = logs, logs
			if err := svc.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- svc.Wait() }()
			defer func() {
				_ = svc.Process.Kill()
			}()
			ctr := d.Spec.Template.Spec.Containers[0]
			for deadline := time.Now().Add(30 * time.Second); p.probe(t, ctr, ctr.LivenessProbe) != nil; time.Sleep(50 * time.Millisecond) {
				select {
				case err := <-exited:
					t.Fatalf("the service exited in its Deployment's environment: %v\n%s", err, logs)
				default:
				}
				if time.Now().After(deadline) {
					t.Fatalf("liveness probe: %v\n%s", p.probe(t, ctr, ctr.LivenessProbe), logs)
				}
			}
			if err := p.probe(t, ctr, ctr.ReadinessProbe); err != nil {
				t.Errorf("readiness probe: %v\n%s", err, logs)
			}
			if code, err := probeGet(p.ports[portOf(ctr, "metrics")], "http", "/metrics"); err != nil || code != http.StatusOK {
				t.Errorf("GET /metrics on the port named metrics: %d %v", code, err)
			}
			if strings.Contains(logs.String(), "_FILE") {
				t.Errorf("the service warned about a secret file mounted as the Deployment mounts it:\n%s", logs)
			}
			_ = svc.Process.Signal(syscall.SIGTERM)
			time.Sleep(500 * time.Millisecond)
			if err := p.probe(t, ctr, ctr.ReadinessProbe); err == nil || !strings.Contains(err.Error(), "503") {
				t.Errorf("readiness probe after SIGTERM: %v, want 503", err)
			}
			grace := 30 * time.Second // the API's default
			if g := d.Spec.Template.Spec.TerminationGracePeriodSeconds; g != nil {
				grace = time.Duration(*g) * time.Second
			}
			select {
			case err := <-exited:
				if err != nil {
					t.Errorf("exit after SIGTERM: %v, want 0\n%s", err, logs)
				}
			case <-time.After(grace):
				t.Errorf("still running %s after SIGTERM, the grace period\n%s", grace, logs)
			}
		})
	}
}

// pod is a Deployment's pod on this machine: its mounted files under root,
// its container ports on free loopback ports.
type pod struct {
	root  string           // the pod's file system: each absolute path of the manifest lives under it
	env   []string         // the container's environment, and nothing else
	ports map[int32]string // container port: loopback address it listens on here
	bin   string           // the image's binary, /orders, built here
}

// podOf lays out the pod of d: the Secrets' files, with authEnv's values
// and a certificate for the TLS Secret, mounted with their defaultMode;
// each variable as set, a required one left empty filled from authEnv, a
// path moved under root, a listen address moved to a free loopback port.
func podOf(t *testing.T, c deployCase, d appsv1.Deployment) *pod {
	t.Helper()
	spec := d.Spec.Template.Spec
	ctr := spec.Containers[0]
	p := &pod{root: t.TempDir(), ports: map[int32]string{}}
	values := map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8", "ACME_HOSTS": "api.example.com"}
	for _, kv := range authEnv(c.auth) {
		k, v, _ := strings.Cut(kv, "=")
		values[k] = v
	}
	certPEM, keyPEM := testCertificatePEM(t)
	for _, e := range ctr.Env {
		v := e.Value
		switch {
		case e.ValueFrom != nil && e.ValueFrom.ResourceFieldRef != nil:
			q := ctr.Resources.Limits[corev1.ResourceName(strings.TrimPrefix(e.ValueFrom.ResourceFieldRef.Resource, "limits."))]
			v = strconv.FormatInt(q.Value(), 10)
		case e.ValueFrom != nil:
			t.Fatalf("%s: valueFrom %+v is not supported here", e.Name, e.ValueFrom)
		case v == "":
			if v = values[e.Name]; v == "" {
				t.Fatalf("%s is empty in the Deployment and the test has no value for it", e.Name)
			}
		case strings.HasSuffix(e.Name, "ADDR"):
			port := listenPort(t, e.Name, v)
			v = freeAddr(t)
			p.ports[port] = v
		case strings.HasPrefix(v, "/"):
			vol, mount := mountOf(spec, ctr, v)
			if vol != nil && vol.Secret != nil {
				content := []byte(values[strings.TrimSuffix(e.Name, "_FILE")] + "\n") // kubectl create secret --from-file keeps a newline
				switch path.Base(v) {
				case "tls.crt":
					content = certPEM
				case "tls.key":
					content = keyPEM
				}
				mode := os.FileMode(0o644) // the API's default
				if m := vol.Secret.DefaultMode; m != nil {
					mode = os.FileMode(*m)
				}
				writeMounted(t, filepath.Join(p.root, mount.MountPath), path.Base(v), content, mode)
			}
			v = filepath.Join(p.root, filepath.FromSlash(v))
		}
		if e.Name == "ACME_CACHE_DIR" {
			// The certificate autocert would have obtained, cached as it
			// caches one (the key, then the chain), and a CA that is a
			// closed port: the test never asks one for anything.
			writeMounted(t, v, "api.example.com", append(keyPEM, certPEM...), 0o600)
			if err := os.Chmod(v, 0o700); err != nil {
				t.Fatal(err)
			}
			p.env = append(p.env, "ACME_DIRECTORY_URL=https://127.0.0.1:1/directory")
		}
		p.env = append(p.env, e.Name+"="+v)
	}
	return p
}

// writeMounted writes name in dir with mode, as the kubelet mounts a
// Secret's key.
func writeMounted(t *testing.T, dir, name string, content []byte, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(dir, name)
	if err := os.WriteFile(f, content, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(f, mode); err != nil {
		t.Fatal(err)
	}
}

// probe runs pr as the kubelet does: an HTTP GET (HTTPS without verifying
// the certificate) on the container port, or the command in the container.
func (p *pod) probe(t *testing.T, ctr corev1.Container, pr *corev1.Probe) error {
	t.Helper()
	switch {
	case pr == nil:
		return errors.New("no probe")
	case pr.HTTPGet != nil:
		port := int32(pr.HTTPGet.Port.IntValue())
		if pr.HTTPGet.Port.Type == intstr.String {
			port = portOf(ctr, pr.HTTPGet.Port.StrVal)
		}
		code, err := probeGet(p.ports[port], strings.ToLower(string(pr.HTTPGet.Scheme)), pr.HTTPGet.Path)
		if err == nil && code != http.StatusOK {
			err = fmt.Errorf("GET %s: %d", pr.HTTPGet.Path, code)
		}
		return err
	case pr.Exec != nil && len(pr.Exec.Command) > 0 && pr.Exec.Command[0] == "/orders":
		cmd := exec.Command(p.bin, pr.Exec.Command[1:]...)
		cmd.Dir, cmd.Env = p.root, p.env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%q: %v: %s", pr.Exec.Command, err, out)
		}
		return nil
	}
	return fmt.Errorf("probe %+v is not supported here", pr.ProbeHandler)
}

// probeGet returns the status of GET p on addr.
func probeGet(addr, scheme, p string) (int, error) {
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // as the kubelet
	}}
	resp, err := client.Get(scheme + "://" + addr + p)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// testCertificatePEM returns a self-signed certificate for api.example.com
// and its key, in PEM.
func testCertificatePEM(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "api.example.com"},
		DNSNames:     []string{"api.example.com"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
}

// syncLog is the output of a process, safe to read while it writes.
type syncLog struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *syncLog) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(b)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
