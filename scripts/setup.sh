#!/usr/bin/env bash
# Installs what aizuchi needs on Debian: system packages (when root) and npm packages.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES=(
  postgresql            # the second database the tests run on
  chromium              # browser tests (driven by playwright-core)
  open-jtalk open-jtalk-mecab-naist-jdic hts-voice-nitech-jp-atr503-m001  # Japanese speech
  espeak-ng sox         # English speech, audio tools
  fonts-ipafont-gothic  # Japanese glyphs in browser-test screenshots
  kamailio baresip-core # SIP test bed: the trunk/proxy and the customer's phone (src/telephony/sip)
)

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  [[ "$p" == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "aizuchi: missing Debian packages: ${missing[*]}" >&2
    echo "aizuchi: run as root, or: sudo apt-get install ${missing[*]} (the voice needs the 'contrib' component)" >&2
    exit 1
  fi
  # The Japanese voice lives in Debian's contrib component.
  if [[ -f /etc/apt/sources.list.d/debian.sources ]] && ! grep -q contrib /etc/apt/sources.list.d/debian.sources; then
    sed -i 's/^Components: main$/Components: main contrib/' /etc/apt/sources.list.d/debian.sources
  elif [[ -f /etc/apt/sources.list ]] && ! grep -q contrib /etc/apt/sources.list; then
    sed -i -E 's/^(deb .* main)$/\1 contrib/' /etc/apt/sources.list
  fi
  echo "aizuchi: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# onnxruntime-node would otherwise fetch GPU binaries from a host we cannot reach.
export ONNXRUNTIME_NODE_INSTALL_CUDA=skip
bash scripts/node-modules.sh
