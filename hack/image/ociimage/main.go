// Command ociimage assembles a container image from one layer tarball and writes it as an OCI
// image layout directory, with no daemon and no registry. hack/build-image.sh builds it from the Go
// module proxy and tars the layout into the archive that `ctr images import`, `podman load` and
// `docker load` read.
//
// Usage:
//
//	ociimage -layer rootfs.tar -out DIR -name REF -created RFC3339 \
//	  -entrypoint /opt/java/bin/java,-jar,/tcptune.jar -user 65532:65532 \
//	  -env PATH=... -label k=v ...
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ociimage:", err)
		os.Exit(1)
	}
}

func run() error {
	layerPath := flag.String("layer", "", "the root file system as an uncompressed tar")
	out := flag.String("out", "", "directory to write the OCI image layout to (must not exist)")
	name := flag.String("name", "", "image reference, e.g. ghcr.io/tcptune/tcptune:0.1.0")
	created := flag.String("created", "1970-01-01T00:00:00Z", "creation time (RFC 3339)")
	entrypoint := flag.String("entrypoint", "", "entrypoint argv, comma separated")
	user := flag.String("user", "", "user[:group] the image runs as")
	workdir := flag.String("workdir", "/", "working directory")
	var env, labels list
	flag.Var(&env, "env", "KEY=VALUE (repeatable)")
	flag.Var(&labels, "label", "KEY=VALUE (repeatable)")
	flag.Parse()
	if *layerPath == "" || *out == "" || *name == "" || *entrypoint == "" {
		return errors.New("-layer, -out, -name and -entrypoint are required")
	}
	when, err := time.Parse(time.RFC3339, *created)
	if err != nil {
		return fmt.Errorf("-created: %w", err)
	}

	layer, err := tarball.LayerFromFile(*layerPath, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return fmt.Errorf("layer: %w", err)
	}
	img, err := mutate.AppendLayers(mutate.MediaType(empty.Image, types.OCIManifestSchema1), layer)
	if err != nil {
		return err
	}
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	cfg, err := img.ConfigFile()
	if err != nil {
		return err
	}
	cfg = cfg.DeepCopy()
	cfg.Architecture = "amd64"
	cfg.OS = "linux"
	cfg.Created = v1.Time{Time: when}
	cfg.Config.Entrypoint = strings.Split(*entrypoint, ",")
	cfg.Config.User = *user
	cfg.Config.WorkingDir = *workdir
	cfg.Config.Env = env
	cfg.Config.Labels = map[string]string{}
	for _, l := range labels {
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			return fmt.Errorf("-label %q: want KEY=VALUE", l)
		}
		cfg.Config.Labels[k] = v
	}
	cfg.History = []v1.History{{Created: v1.Time{Time: when}, CreatedBy: "hack/build-image.sh"}}
	img, err = mutate.ConfigFile(img, cfg)
	if err != nil {
		return err
	}

	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("-out %s exists", *out)
	}
	path, err := layout.Write(*out, empty.Index)
	if err != nil {
		return err
	}
	// containerd names an imported image from io.containerd.image.name; other tools read the tag
	// from org.opencontainers.image.ref.name.
	tag := *name
	if i := strings.LastIndex(tag, ":"); i > strings.LastIndex(tag, "/") {
		tag = tag[i+1:]
	}
	return path.AppendImage(img, layout.WithAnnotations(map[string]string{
		"io.containerd.image.name":         *name,
		"org.opencontainers.image.ref.name": tag,
	}))
}
