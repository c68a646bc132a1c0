// The differential oracle: what the Kubernetes v1.37.2 API server's PodSecurity admission says
// about manifest text, computed with the upstream Go libraries. Test-only (never shipped).
//
// One process serves many requests (JSON lines on stdin, one JSON line out per request, same
// order), so a test can push 100,000 objects through one process.
//
//	request:  {"text": "<YAML or JSON, one or more documents>", "levels": ["baseline", ...], "versions": ["latest", "v1.25", ...]}
//	response: {"docs": [{"kind": "Pod", "name": "x", "results": [{"level", "version", "allowed", "detail", "checks", "message"}]}
//	                    | {"error": "..."} | {"skipped": "<kind>"}]}
//
// Each document goes the way `kubectl create -f` sends it and the API server receives it:
//  1. kubectl: k8s.io/apimachinery/pkg/util/yaml.NewYAMLOrJSONDecoder splits the stream and turns
//     each YAML document into JSON with sigs.k8s.io/yaml (YAML 1.1 booleans, merge keys, ...);
//     empty and `null` documents are dropped; the JSON is read into an Unstructured object (as the
//     resource builder does) and marshalled again for the request body; `kind: List` items are
//     sent one by one.
//  2. API server: the JSON body is decoded (not strict: unknown fields are dropped, as with
//     fieldValidation=Ignore) into the versioned type, then defaulted with the server's own
//     defaulting functions (k8s.io/kubernetes/pkg/apis/{core,apps,batch}/v1).
//  3. Pods only: the registry's PrepareForCreate copies deprecated AppArmor annotations to the
//     container field (applyAppArmorVersionSkew, ported below). API validation (which would
//     reject some fuzzed objects with a 422 before admission) is not modelled: the comparison is
//     of PodSecurity's verdict on the object it would see.
//  4. PodSecurity: the pod spec is extracted with admission.DefaultPodSpecExtractor, evaluated
//     with policy.NewEvaluator(policy.DefaultChecks()), aggregated with AggregateCheckResults, and
//     worded as the admission plugin words it: for a Pod the enforce error
//     (`pods "x" is forbidden: violates PodSecurity "level:version": ...`), for controllers
//     the warning (`would violate PodSecurity "level:version": ...`).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	k8sappsv1 "k8s.io/kubernetes/pkg/apis/apps/v1"
	k8sbatchv1 "k8s.io/kubernetes/pkg/apis/batch/v1"
	k8scorev1 "k8s.io/kubernetes/pkg/apis/core/v1"
	"k8s.io/pod-security-admission/admission"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

type request struct {
	Text     string   `json:"text"`
	Levels   []string `json:"levels"`
	Versions []string `json:"versions"`
}

type result struct {
	Level   string   `json:"level"`
	Version string   `json:"version"`
	Allowed bool     `json:"allowed"`
	Detail  string   `json:"detail"`
	Checks  []string `json:"checks"`
	Message string   `json:"message"`
}

type doc struct {
	Kind    string   `json:"kind,omitempty"`
	Name    string   `json:"name,omitempty"`
	Error   string   `json:"error,omitempty"`
	Skipped string   `json:"skipped,omitempty"`
	Results []result `json:"results,omitempty"`
}

type response struct {
	Docs  []doc  `json:"docs"`
	Error string `json:"error,omitempty"`
}

var (
	scheme       = runtime.NewScheme()
	deserializer runtime.Decoder
	evaluator    policy.Evaluator
	// failing collects the IDs of the checks that failed during one EvaluatePod call, in the
	// order the evaluator ran them (the process is single-threaded).
	failing []string
)

func init() {
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme,
		k8scorev1.RegisterDefaults, k8sappsv1.RegisterDefaults, k8sbatchv1.RegisterDefaults,
	} {
		if err := add(scheme); err != nil {
			panic(err)
		}
	}
	deserializer = serializer.NewCodecFactory(scheme).UniversalDeserializer()

	// The upstream checks, each wrapped to record its ID when it fails, so the response can name
	// the failing checks; the evaluator (ordering, overrides, versions) is upstream's own.
	checks := policy.DefaultChecks()
	for i := range checks {
		id := string(checks[i].ID)
		for j := range checks[i].Versions {
			fn := checks[i].Versions[j].CheckPod
			checks[i].Versions[j].CheckPod = func(m *metav1.ObjectMeta, s *corev1.PodSpec) policy.CheckResult {
				r := fn(m, s)
				if !r.Allowed {
					failing = append(failing, id)
				}
				return r
			}
		}
	}
	e, err := policy.NewEvaluator(checks, nil)
	if err != nil {
		panic(err)
	}
	evaluator = e
}

// kubectlDocuments splits a stream the way kubectl's resource builder does and returns each
// object's JSON as kubectl would send it.
func kubectlDocuments(text string) ([][]byte, error) {
	d := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(text), 4096)
	var out [][]byte
	for {
		var ext runtime.RawExtension
		if err := d.Decode(&ext); err != nil {
			if err == io.EOF {
				return out, nil
			}
			return out, fmt.Errorf("error parsing: %v", err)
		}
		ext.Raw = bytes.TrimSpace(ext.Raw)
		if len(ext.Raw) == 0 || bytes.Equal(ext.Raw, []byte("null")) {
			continue
		}
		out = append(out, ext.Raw)
	}
}

func evaluate(req request) response {
	raws, splitErr := kubectlDocuments(req.Text)
	resp := response{Docs: []doc{}}
	for _, raw := range raws {
		resp.Docs = append(resp.Docs, evaluateObject(raw, req)...)
	}
	if splitErr != nil {
		resp.Docs = append(resp.Docs, doc{Error: splitErr.Error()})
	}
	return resp
}

func evaluateObject(raw []byte, req request) []doc {
	// kubectl: the document as an Unstructured object (a List is sent item by item).
	obj, err := runtime.Decode(unstructured.UnstructuredJSONScheme, raw)
	if err != nil {
		return []doc{{Error: fmt.Sprintf("kubectl: %v", err)}}
	}
	if list, ok := obj.(*unstructured.UnstructuredList); ok {
		var out []doc
		for i := range list.Items {
			body, err := list.Items[i].MarshalJSON()
			if err != nil {
				out = append(out, doc{Error: fmt.Sprintf("kubectl: %v", err)})
				continue
			}
			out = append(out, evaluateBody(body, req))
		}
		return out
	}
	u := obj.(*unstructured.Unstructured)
	body, err := u.MarshalJSON()
	if err != nil {
		return []doc{{Error: fmt.Sprintf("kubectl: %v", err)}}
	}
	return []doc{evaluateBody(body, req)}
}

// evaluateBody is the API server's side: decode, default, prepare, PodSecurity.
func evaluateBody(body []byte, req request) doc {
	obj, gvk, err := deserializer.Decode(body, nil, nil)
	if err != nil {
		if runtime.IsNotRegisteredError(err) && gvk != nil {
			// Not a kind PodSecurity looks at (or an API version the server no longer serves).
			return doc{Kind: gvk.Kind, Skipped: gvk.GroupVersion().String() + " " + gvk.Kind}
		}
		return doc{Error: fmt.Sprintf("decode: %v", err)}
	}
	scheme.Default(obj)
	var meta *metav1.ObjectMeta
	if m, ok := obj.(metav1.Object); ok {
		meta = &metav1.ObjectMeta{Name: m.GetName()}
	}
	if pod, ok := obj.(*corev1.Pod); ok {
		applyAppArmorVersionSkew(pod)
	}
	podMeta, podSpec, err := admission.DefaultPodSpecExtractor{}.ExtractPodSpec(obj)
	if err != nil {
		return doc{Kind: gvk.Kind, Skipped: gvk.GroupVersion().String() + " " + gvk.Kind}
	}
	d := doc{Kind: gvk.Kind, Results: []result{}}
	if meta != nil {
		d.Name = meta.Name
	}
	if podMeta == nil && podSpec == nil {
		return d // a controller without a pod template: PodSecurity allows it unseen
	}
	_, isPod := obj.(*corev1.Pod)
	gr := schema.GroupResource{Resource: "pods"}
	for _, l := range req.Levels {
		level, err := psaapi.ParseLevel(l)
		if err != nil {
			return doc{Error: fmt.Sprintf("level %q: %v", l, err)}
		}
		for _, v := range req.Versions {
			version, err := psaapi.ParseVersion(v)
			if err != nil {
				return doc{Error: fmt.Sprintf("version %q: %v", v, err)}
			}
			lv := psaapi.LevelVersion{Level: level, Version: version}
			failing = failing[:0]
			agg := policy.AggregateCheckResults(evaluator.EvaluatePod(lv, podMeta, podSpec))
			r := result{Level: l, Version: v, Allowed: agg.Allowed, Checks: append([]string{}, failing...)}
			if !agg.Allowed {
				r.Detail = agg.ForbiddenDetail()
				if isPod {
					r.Message = apierrors.NewForbidden(gr, d.Name, fmt.Errorf("violates PodSecurity %q: %s", lv.String(), r.Detail)).Error()
				} else {
					r.Message = fmt.Sprintf("would violate PodSecurity %q: %s", lv.String(), r.Detail)
				}
			}
			d.Results = append(d.Results, r)
		}
	}
	return d
}

// applyAppArmorVersionSkew is the AppArmor part of the pod registry's PrepareForCreate
// (k8s.io/kubernetes/pkg/registry/core/pod/strategy.go, v1.37.2), on v1 types: a container with a
// deprecated AppArmor annotation and no profile field gets the field, unless it equals the pod's.
func applyAppArmorVersionSkew(pod *corev1.Pod) {
	if pod.Spec.OS != nil && pod.Spec.OS.Name == corev1.Windows {
		return
	}
	var podProfile *corev1.AppArmorProfile
	if pod.Spec.SecurityContext != nil {
		podProfile = pod.Spec.SecurityContext.AppArmorProfile
	}
	visit := func(c *corev1.Container) {
		annotation, ok := pod.Annotations["container.apparmor.security.beta.kubernetes.io/"+c.Name]
		if !ok || (c.SecurityContext != nil && c.SecurityContext.AppArmorProfile != nil) {
			return
		}
		field := appArmorFieldForAnnotation(annotation)
		if field == nil || !validAppArmorField(field) || equalProfiles(field, podProfile) {
			return
		}
		if c.SecurityContext == nil {
			c.SecurityContext = &corev1.SecurityContext{}
		}
		c.SecurityContext.AppArmorProfile = field
	}
	// podutil.VisitContainers order: init, regular, ephemeral.
	for i := range pod.Spec.InitContainers {
		visit(&pod.Spec.InitContainers[i])
	}
	for i := range pod.Spec.Containers {
		visit(&pod.Spec.Containers[i])
	}
	for i := range pod.Spec.EphemeralContainers {
		visit((*corev1.Container)(&pod.Spec.EphemeralContainers[i].EphemeralContainerCommon))
	}
}

// appArmorFieldForAnnotation ports podutil.ApparmorFieldForAnnotation (pkg/api/pod/util.go).
func appArmorFieldForAnnotation(annotation string) *corev1.AppArmorProfile {
	switch {
	case annotation == "unconfined":
		return &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeUnconfined}
	case annotation == "runtime/default":
		return &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeRuntimeDefault}
	case strings.HasPrefix(annotation, "localhost/") && len(annotation) > len("localhost/"):
		p := strings.TrimPrefix(annotation, "localhost/")
		return &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeLocalhost, LocalhostProfile: &p}
	}
	return nil
}

// validAppArmorField ports validation.ValidateAppArmorProfileField for the fields
// appArmorFieldForAnnotation can produce.
func validAppArmorField(p *corev1.AppArmorProfile) bool {
	if p.Type != corev1.AppArmorProfileTypeLocalhost {
		return true
	}
	lp := *p.LocalhostProfile
	return strings.TrimSpace(lp) == lp && lp != "" && len(lp) <= 4095
}

// equalProfiles is apiequality.Semantic.DeepEqual for two AppArmor profiles.
func equalProfiles(a, b *corev1.AppArmorProfile) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Type != b.Type || (a.LocalhostProfile == nil) != (b.LocalhostProfile == nil) {
		return false
	}
	return a.LocalhostProfile == nil || *a.LocalhostProfile == *b.LocalhostProfile
}

func main() {
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for {
		line, err := in.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var req request
			var resp response
			if jerr := json.Unmarshal(line, &req); jerr != nil {
				resp = response{Docs: []doc{}, Error: fmt.Sprintf("bad request: %v", jerr)}
			} else {
				resp = evaluate(req)
			}
			if werr := enc.Encode(resp); werr != nil {
				fmt.Fprintln(os.Stderr, "oracle:", werr)
				os.Exit(1)
			}
			// Flush when no further request is already buffered, so a caller waiting for
			// this answer gets it, and a batch is written in large blocks.
			if in.Buffered() == 0 {
				if ferr := out.Flush(); ferr != nil {
					fmt.Fprintln(os.Stderr, "oracle:", ferr)
					os.Exit(1)
				}
			}
		}
		if err != nil {
			if err != io.EOF {
				fmt.Fprintln(os.Stderr, "oracle:", err)
				os.Exit(1)
			}
			return
		}
	}
}
