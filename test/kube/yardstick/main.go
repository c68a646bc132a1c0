// The yardstick of `npm run bench`: what `podsec scan -f DIR` does, written as a plain Go loop over
// the upstream library: read every .yaml/.yml/.json file under DIR, decode each document the way
// kubectl does (YAML -> JSON -> the typed object), take its pod template and evaluate it with
// k8s.io/pod-security-admission at baseline and restricted (latest). Prints the number of
// workloads and of failing verdicts, so the bench can check both tools saw the same estate.
//
//	bash test/kube/build.sh yardstick   # prints the bin dir; then <bin>/yardstick DIR
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/yaml"
)

var manifest = regexp.MustCompile(`\.(ya?ml|json)$`)

func template(kind string, doc []byte) (*metav1.ObjectMeta, *corev1.PodSpec, error) {
	switch kind {
	case "Pod":
		var o corev1.Pod
		if err := yaml.Unmarshal(doc, &o); err != nil {
			return nil, nil, err
		}
		return &o.ObjectMeta, &o.Spec, nil
	case "Deployment":
		var o appsv1.Deployment
		if err := yaml.Unmarshal(doc, &o); err != nil {
			return nil, nil, err
		}
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec, nil
	case "StatefulSet":
		var o appsv1.StatefulSet
		if err := yaml.Unmarshal(doc, &o); err != nil {
			return nil, nil, err
		}
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec, nil
	case "DaemonSet":
		var o appsv1.DaemonSet
		if err := yaml.Unmarshal(doc, &o); err != nil {
			return nil, nil, err
		}
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec, nil
	case "ReplicaSet":
		var o appsv1.ReplicaSet
		if err := yaml.Unmarshal(doc, &o); err != nil {
			return nil, nil, err
		}
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec, nil
	case "Job":
		var o batchv1.Job
		if err := yaml.Unmarshal(doc, &o); err != nil {
			return nil, nil, err
		}
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec, nil
	case "CronJob":
		var o batchv1.CronJob
		if err := yaml.Unmarshal(doc, &o); err != nil {
			return nil, nil, err
		}
		return &o.Spec.JobTemplate.Spec.Template.ObjectMeta, &o.Spec.JobTemplate.Spec.Template.Spec, nil
	}
	return nil, nil, nil
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: yardstick DIR")
		os.Exit(2)
	}
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		panic(err)
	}
	levels := []api.LevelVersion{{Level: api.LevelBaseline, Version: api.LatestVersion()}, {Level: api.LevelRestricted, Version: api.LatestVersion()}}
	workloads, failing, errors := 0, 0, 0
	err = filepath.WalkDir(os.Args[1], func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !manifest.MatchString(d.Name()) {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		reader := utilyaml.NewYAMLReader(bufio.NewReader(f))
		for {
			doc, err := reader.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			if len(bytes.TrimSpace(doc)) == 0 {
				continue
			}
			var tm metav1.TypeMeta
			if err := yaml.Unmarshal(doc, &tm); err != nil {
				errors++
				continue
			}
			meta, spec, err := template(tm.Kind, doc)
			if err != nil {
				errors++
				continue
			}
			if spec == nil {
				continue
			}
			workloads++
			for _, lv := range levels {
				if !policy.AggregateCheckResults(evaluator.EvaluatePod(lv, meta, spec)).Allowed {
					failing++
				}
			}
		}
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("{\"workloads\":%d,\"failing\":%d,\"errors\":%d}\n", workloads, failing, errors)
}
