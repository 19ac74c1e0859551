#!/usr/bin/env bash
# The Pulumi CLI over the stacks of $STACKS, in the order given (layer order), with the policy pack:
#
#   preview  pulumi preview --diff of each stack into $OUT/preview.txt; goes on after a failing stack so
#            that the pull-request comment shows every stack; exits 1 when any failed.
#   plan     pulumi preview --diff --save-plan $OUT/<stack>.plan.json (and <stack>.preview.txt, and the
#            job summary the approvers read); stops at the first failure.
#   up       pulumi up --plan $OUT/<stack>.plan.json: only the operations the approved plan holds; a
#            stack without a saved plan is an error; stops at the first failure.
#
# Environment: STACKS, POLICY_CONFIG (the pack's config), OUT (a directory). docs/adr/0014.
set -euo pipefail

mode=${1:-}
case "$mode" in preview | plan | up) ;; *) echo "usage: pulumi-stacks.sh preview|plan|up" >&2; exit 2 ;; esac
for name in STACKS POLICY_CONFIG OUT; do
  if [ -z "${!name:-}" ]; then echo "::error::pulumi-stacks.sh: $name is empty" >&2; exit 2; fi
done
mkdir -p "$OUT"
common=(--non-interactive --color never --policy-pack policies --policy-pack-config "$POLICY_CONFIG")
summary=${GITHUB_STEP_SUMMARY:-/dev/null}

status=0
[ "$mode" = preview ] && : > "$OUT/preview.txt"
for stack in $STACKS; do
  if [ ! -f "environments/Pulumi.$stack.yaml" ]; then
    if [ "$mode" = preview ]; then
      echo "### $stack: no environments/Pulumi.$stack.yaml on this branch, not previewed" >> "$OUT/preview.txt"
      continue
    fi
    echo "::error::$stack: no environments/Pulumi.$stack.yaml" >&2
    exit 2
  fi
  plan="$OUT/$stack.plan.json"
  case "$mode" in
    preview)
      echo "### pulumi preview --diff -s $stack" >> "$OUT/preview.txt"
      pulumi preview --diff --stack "$stack" "${common[@]}" >> "$OUT/preview.txt" 2>&1 || status=1
      ;;
    plan)
      echo "::group::pulumi preview --save-plan -s $stack"
      pulumi preview --diff --stack "$stack" "${common[@]}" --save-plan "$plan" 2>&1 | tee "$OUT/$stack.preview.txt"
      echo "::endgroup::"
      { echo "### Plan of \`$stack\`"; echo; echo '```text'; sed 's/```/'"'''"'/g' "$OUT/$stack.preview.txt"; echo '```'; } >> "$summary"
      ;;
    up)
      if [ ! -s "$plan" ]; then
        echo "::error::$stack: no saved plan $plan (the plan job of this run writes it)" >&2
        exit 1
      fi
      echo "::group::pulumi up --plan -s $stack"
      pulumi up --yes --diff --stack "$stack" "${common[@]}" --plan "$plan"
      echo "::endgroup::"
      ;;
  esac
done
exit "$status"
