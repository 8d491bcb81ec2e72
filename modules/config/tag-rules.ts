import { MAX_RESOURCE_OWN_TAGS, MAX_TAGS_PER_RESOURCE, MAX_USER_TAGS, PROJECT_DEFAULT_TAG_KEYS } from "./aws-limits";
import type { ConfigRule } from "./cross-field-rules";

/**
 * The tags every resource carries: the project's own (ManagedBy, SnapshotDrStack) and the configuration's `tags`,
 * through the provider's default tags. A user tag with the key of a project tag would silently replace it (the
 * stacks and the review rely on them), so it is refused, whatever its case (IAM compares tag keys
 * case-insensitively).
 */
const projectTagsAreNotOverridden: ConfigRule = {
  sections: ["tags"],
  check: (config, problem) => {
    for (const key of Object.keys(config.tags)) {
      const project = PROJECT_DEFAULT_TAG_KEYS.find((own) => own.toLowerCase() === key.toLowerCase());
      if (project) problem(`tags.${key}`, `'${project}' is a tag this project sets on every resource (${PROJECT_DEFAULT_TAG_KEYS.join(", ")}); choose another key`);
    }
  },
};

/** "Maximum number of tags per resource – 50" (Tag restrictions), counting the default tags every resource gets. */
const tagsFitTheResourceLimit: ConfigRule = {
  sections: ["tags"],
  check: (config, problem) => {
    const count = Object.keys(config.tags).length;
    if (count > MAX_USER_TAGS) {
      const ownTags = MAX_RESOURCE_OWN_TAGS > 0 ? ` and up to ${MAX_RESOURCE_OWN_TAGS} of its own` : "";
      problem(
        "tags",
        `has ${count} tags, at most ${MAX_USER_TAGS}: every resource also carries ${PROJECT_DEFAULT_TAG_KEYS.join(" and ")}${ownTags}, ` +
          `and AWS allows a maximum of ${MAX_TAGS_PER_RESOURCE} tags per resource`,
      );
    }
  },
};

export const tagRules: readonly ConfigRule[] = [projectTagsAreNotOverridden, tagsFitTheResourceLimit];
