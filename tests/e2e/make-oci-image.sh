#!/usr/bin/env bash
# make-oci-image.sh ROOTFS OUT.tar NAME: an OCI image layout tar, built by hand (no registry,
# no image tool): blobs/sha256 holding a gzipped layer of ROOTFS, the image config and the
# manifest, index.json naming the manifest NAME (as containerd's `ctr image import` reads
# it) and oci-layout.
set -euo pipefail
rootfs=$1 out=$2 name=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/blobs/sha256"
case $(dpkg --print-architecture) in # Debian's names to Go's, which OCI uses
  i386) arch=386 ;; armhf | armel) arch=arm ;; ppc64el) arch=ppc64le ;; *) arch=$(dpkg --print-architecture) ;;
esac

# blob FILE: move FILE into blobs/sha256 under its digest; print "DIGEST SIZE".
blob() {
  local digest size
  digest=$(sha256sum "$1" | cut -d' ' -f1)
  size=$(stat -c %s "$1")
  mv "$1" "$dir/blobs/sha256/$digest"
  echo "sha256:$digest $size"
}

tar --numeric-owner --sort=name -C "$rootfs" -cf "$dir/layer.tar" .
diff_id=sha256:$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
gzip -n "$dir/layer.tar"
read -r layer layer_size < <(blob "$dir/layer.tar.gz")

jq -n -c --arg diff_id "$diff_id" --arg arch "$arch" '{
  architecture: $arch, os: "linux",
  config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["sh"]},
  rootfs: {type: "layers", diff_ids: [$diff_id]}}' > "$dir/config.json"
read -r config config_size < <(blob "$dir/config.json")

jq -n -c --arg config "$config" --argjson config_size "$config_size" \
  --arg layer "$layer" --argjson layer_size "$layer_size" '{
  schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $config, size: $config_size},
  layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $layer, size: $layer_size}]}' \
  > "$dir/manifest.json"
read -r manifest manifest_size < <(blob "$dir/manifest.json")

jq -n -c --arg manifest "$manifest" --argjson manifest_size "$manifest_size" --arg name "$name" \
  --arg arch "$arch" '{
  schemaVersion: 2,
  manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $manifest,
    size: $manifest_size, platform: {architecture: $arch, os: "linux"},
    annotations: {"io.containerd.image.name": $name,
                  "org.opencontainers.image.ref.name": ($name | sub(".*:"; ""))}}]}' \
  > "$dir/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
tar -C "$dir" -cf "$out" oci-layout index.json blobs
