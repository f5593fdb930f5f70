// The merge (docs/algorithms.md, "Rounding and the merge"): weights, clipping,
// strict thresholds, rounding; and the user's weights and thresholds as
// make_policy reads them from the options.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "analyzers/profile.hpp"
#include "analyzers/registry.hpp"
#include "app/options.hpp"
#include "merge/merge_scores.hpp"

namespace photoscore {
namespace {

std::vector<const AnalyzerSpec*> specs(const std::vector<std::string>& names) {
  std::vector<const AnalyzerSpec*> out;
  for (const auto& n : names) {
    const AnalyzerSpec* s = find_analyzer(n);
    EXPECT_NE(s, nullptr) << n;
    out.push_back(s);
  }
  return out;
}

const std::vector<std::string> kSeed = {"sharpness", "exposure", "composition"};
const std::vector<std::string> kWithColor = {"sharpness", "exposure", "composition", "color"};

// A result whose score field holds `score` (other numbers 0, labels "x").
AnalyzerResult result_with_score(const AnalyzerSpec& spec, double score) {
  AnalyzerResult r;
  for (const auto& f : spec.fields) {
    if (f.kind == FieldSpec::Kind::Number) {
      r.values.emplace_back(0.0);
    } else {
      r.values.emplace_back(std::string("x"));
    }
  }
  r.values[spec.score_field] = score;
  return r;
}

ScoredRow row_with_scores(const MergePolicy& policy, const std::vector<double>& scores) {
  ScoredRow row;
  row.filename = "p.jpg";
  row.ok = true;
  for (std::size_t i = 0; i < policy.analyzers.size(); ++i)
    row.results.push_back(result_with_score(*policy.analyzers[i], scores[i]));
  return row;
}

MergePolicy policy_for(const std::vector<std::string>& names, std::vector<double> weights = {}) {
  MergePolicy p;
  p.analyzers = specs(names);
  p.weights = weights.empty() ? default_weights(p.analyzers) : std::move(weights);
  return p;
}

ScoredRow merged(const MergePolicy& policy, const std::vector<double>& scores) {
  ScoredRow row = row_with_scores(policy, scores);
  merge_scores(policy, row);
  return row;
}

TEST(Merge, DefaultWeightsAreTheSeeds) {
  EXPECT_EQ(default_weights(specs(kSeed)), (std::vector<double>{0.4, 0.4, 0.2}));
  // With color: the seed's weights scaled by 0.9, color 0.1, and printed as
  // 0.36, not 0.36000000000000004.
  EXPECT_EQ(default_weights(specs(kWithColor)), (std::vector<double>{0.36, 0.36, 0.18, 0.10}));
  double sum = 0;
  for (double w : default_weights(specs(kWithColor))) sum += w;
  EXPECT_NEAR(sum, 1.0, 1e-12);
}

TEST(Merge, WeightedSum) {
  // 0.4*1 + 0.4*0.5 + 0.2*0.25 = 0.65
  const ScoredRow r = merged(policy_for(kSeed), {1.0, 0.5, 0.25});
  EXPECT_DOUBLE_EQ(r.quality_score, 0.65);
  EXPECT_EQ(r.verdict, Verdict::PostIt);
  // 0.36*0.2 + 0.36*0.3 + 0.18*0.4 + 0.1*0.9 = 0.072 + 0.108 + 0.072 + 0.09 = 0.342
  const ScoredRow c = merged(policy_for(kWithColor), {0.2, 0.3, 0.4, 0.9});
  EXPECT_DOUBLE_EQ(c.quality_score, 0.342);
  EXPECT_EQ(c.verdict, Verdict::Maybe);
  // Every weight counts: the same scores without color's 0.9 are lower.
  const ScoredRow s = merged(policy_for(kSeed), {0.2, 0.3, 0.4});
  EXPECT_DOUBLE_EQ(s.quality_score, 0.28);  // 0.08 + 0.12 + 0.08
  EXPECT_EQ(s.verdict, Verdict::Delete);
}

TEST(Merge, ClipsToUnitInterval) {
  const MergePolicy heavy = policy_for(kSeed, {1.0, 1.0, 1.0});
  const ScoredRow hi = merged(heavy, {1.0, 1.0, 1.0});
  EXPECT_EQ(hi.quality_score, 1.0);
  EXPECT_EQ(hi.verdict, Verdict::PostIt);
  const ScoredRow lo = merged(policy_for(kSeed), {-1.0, -1.0, 0.0});
  EXPECT_EQ(lo.quality_score, 0.0);
  EXPECT_EQ(lo.verdict, Verdict::Delete);
}

TEST(Merge, ThresholdsAreStrictlyGreater) {
  // Weight 1 on sharpness alone so the total is exactly the score.
  const MergePolicy p = policy_for(kSeed, {1.0, 0.0, 0.0});
  EXPECT_EQ(merged(p, {0.5, 0, 0}).verdict, Verdict::Maybe);
  EXPECT_EQ(merged(p, {0.5001, 0, 0}).verdict, Verdict::PostIt);
  EXPECT_EQ(merged(p, {0.3, 0, 0}).verdict, Verdict::Delete);
  EXPECT_EQ(merged(p, {0.3001, 0, 0}).verdict, Verdict::Maybe);
  EXPECT_EQ(merged(p, {0.0, 0, 0}).verdict, Verdict::Delete);
  // With the seed's weights: 0.4*0.5 + 0.4*0.5 + 0.2*0.5 is exactly 0.5.
  const ScoredRow half = merged(policy_for(kSeed), {0.5, 0.5, 0.5});
  EXPECT_EQ(half.quality_score, 0.5);
  EXPECT_EQ(half.verdict, Verdict::Maybe);
}

TEST(Merge, VerdictComesFromTheUnroundedTotal) {
  // 0.50049 rounds to a quality_score of 0.5 but is above the cut-off.
  const MergePolicy p = policy_for(kSeed, {1.0, 0.0, 0.0});
  const ScoredRow r = merged(p, {0.50049, 0, 0});
  EXPECT_EQ(r.quality_score, 0.5);
  EXPECT_EQ(r.verdict, Verdict::PostIt);
}

TEST(Merge, QualityScoreRoundedToThreeDecimals) {
  const MergePolicy p = policy_for(kSeed, {1.0, 0.0, 0.0});
  EXPECT_EQ(merged(p, {0.12345, 0, 0}).quality_score, 0.123);
  EXPECT_EQ(merged(p, {0.6666, 0, 0}).quality_score, 0.667);
  EXPECT_EQ(merged(p, {0.9996, 0, 0}).quality_score, 1.0);
  EXPECT_EQ(merged(policy_for(kSeed), {0.1234, 0.5678, 0.9}).quality_score, 0.456);  // 0.45648
}

TEST(Merge, CustomThresholds) {
  MergePolicy p = policy_for(kSeed, {1.0, 0.0, 0.0});
  p.post_it_above = 0.8;
  p.maybe_above = 0.6;
  EXPECT_EQ(merged(p, {0.81, 0, 0}).verdict, Verdict::PostIt);
  EXPECT_EQ(merged(p, {0.8, 0, 0}).verdict, Verdict::Maybe);
  EXPECT_EQ(merged(p, {0.6, 0, 0}).verdict, Verdict::Delete);
}

TEST(Merge, ErrorRowsAreLeftAlone) {
  const MergePolicy p = policy_for(kSeed);
  ScoredRow row;
  row.ok = false;
  row.error = "empty file";
  merge_scores(p, row);
  EXPECT_EQ(row.verdict, Verdict::Error);  // none
  EXPECT_EQ(row.quality_score, 0.0);
}

TEST(Merge, ResultCountMustMatchAnalyzers) {
  const MergePolicy p = policy_for(kSeed);
  ScoredRow row = row_with_scores(policy_for({"sharpness", "exposure"}), {0.5, 0.5});
  EXPECT_THROW(merge_scores(p, row), std::logic_error);
}

// ------------------------------------------------------------ make_policy ---

Options opts(std::vector<std::string> analyzers, std::string weights = "", std::string thresholds = "") {
  Options o;
  o.analyzers = std::move(analyzers);
  o.weights = std::move(weights);
  o.thresholds = std::move(thresholds);
  return o;
}

// A calibrated-profile row: every analyzer's score `score`, the sharpness
// verdict `sharpness` (the others "x").
ScoredRow calibrated_row(const MergePolicy& policy, double score, const std::string& sharpness) {
  ScoredRow row = row_with_scores(policy, std::vector<double>(policy.analyzers.size(), score));
  for (std::size_t i = 0; i < policy.analyzers.size(); ++i) {
    if (policy.analyzers[i]->name == "sharpness")
      row.results[i].values[policy.analyzers[i]->verdict_field] = sharpness;
  }
  merge_scores(policy, row);
  return row;
}

TEST(Merge, CalibratedBlurryIsNeverPostIt) {
  Options o;
  o.profile = "calibrated";
  for (const MergePolicy& policy :
       {make_policy(o), make_policy([&] {
          Options c = o;
          c.weights = "sharpness=0.05,exposure=0.6,composition=0.35";  // sharpness weighs little
          return c;
        }())}) {
    for (double score : {0.51, 0.8, 1.0}) {
      const ScoredRow blurry = calibrated_row(policy, score, "blurry");
      EXPECT_EQ(blurry.verdict, Verdict::Maybe) << score;
      // The quality score is kept: blurred photos still rank among themselves.
      EXPECT_GT(blurry.quality_score, policy.post_it_above) << score;
      EXPECT_EQ(calibrated_row(policy, score, "soft").verdict, Verdict::PostIt) << score;
      EXPECT_EQ(calibrated_row(policy, score, "sharp").verdict, Verdict::PostIt) << score;
    }
    // Below post_it the veto changes nothing.
    EXPECT_EQ(calibrated_row(policy, 0.4, "blurry").verdict, Verdict::Maybe);
    EXPECT_EQ(calibrated_row(policy, 0.2, "blurry").verdict, Verdict::Delete);
  }
}

TEST(Merge, SeedMergeHasNoVeto) {
  // The seed's merge is the seed's: its "blurry" photo above the cut is post_it.
  const MergePolicy policy = make_policy(Options{});
  ASSERT_EQ(policy.analyzers[0]->name, "sharpness");
  EXPECT_EQ(calibrated_row(policy, 0.8, "blurry").verdict, Verdict::PostIt);
  for (const AnalyzerSpec& spec : find_profile("seed")->analyzers) EXPECT_TRUE(spec.never_post_it.empty());
}

TEST(MakePolicy, Defaults) {
  const MergePolicy p = make_policy(Options{});
  ASSERT_EQ(p.analyzers.size(), 3u);
  EXPECT_EQ(p.analyzers[0]->name, "sharpness");
  EXPECT_EQ(p.analyzers[1]->name, "exposure");
  EXPECT_EQ(p.analyzers[2]->name, "composition");
  EXPECT_EQ(p.weights, (std::vector<double>{0.4, 0.4, 0.2}));
  EXPECT_EQ(p.post_it_above, 0.5);
  EXPECT_EQ(p.maybe_above, 0.3);
  const MergePolicy c = make_policy(opts(kWithColor));
  EXPECT_EQ(c.weights, (std::vector<double>{0.36, 0.36, 0.18, 0.10}));
}

TEST(MakePolicy, AnalyzerOrderIsTheUsers) {
  const MergePolicy p = make_policy(opts({"exposure", "sharpness"}));
  ASSERT_EQ(p.analyzers.size(), 2u);
  EXPECT_EQ(p.analyzers[0]->name, "exposure");
  EXPECT_EQ(p.analyzers[1]->name, "sharpness");
}

TEST(MakePolicy, PositionalAndNamedWeights) {
  EXPECT_EQ(make_policy(opts({}, "0.5,0.3,0.2")).weights, (std::vector<double>{0.5, 0.3, 0.2}));
  // Named: the unnamed ones keep their default.
  EXPECT_EQ(make_policy(opts({}, "composition=0.6")).weights, (std::vector<double>{0.4, 0.4, 0.6}));
  EXPECT_EQ(make_policy(opts(kWithColor, "color=0.5,sharpness=0")).weights,
            (std::vector<double>{0.0, 0.36, 0.18, 0.5}));
  // A custom policy really changes the verdict.
  const MergePolicy p = make_policy(opts({}, "1,0,0", "0.9,0.2"));
  ScoredRow row = row_with_scores(p, {0.85, 1.0, 1.0});
  merge_scores(p, row);
  EXPECT_EQ(row.quality_score, 0.85);
  EXPECT_EQ(row.verdict, Verdict::Maybe);
}

TEST(MakePolicy, Thresholds) {
  const MergePolicy p = make_policy(opts({}, "", "0.7,0.4"));
  EXPECT_EQ(p.post_it_above, 0.7);
  EXPECT_EQ(p.maybe_above, 0.4);
  const MergePolicy eq = make_policy(opts({}, "", "0.5,0.5"));  // equal cut-offs: no maybe band
  EXPECT_EQ(eq.post_it_above, 0.5);
}

TEST(MakePolicy, Errors) {
  EXPECT_THROW(make_policy(opts({"sharpness", "focus"})), std::invalid_argument);
  EXPECT_THROW(make_policy(opts({"sharpness", "sharpness"})), std::invalid_argument);
  EXPECT_THROW(make_policy(opts({}, "0.5,0.5")), std::invalid_argument);          // 2 weights, 3 analyzers
  EXPECT_THROW(make_policy(opts({}, "0.2,0.2,0.2,0.4")), std::invalid_argument);  // 4 weights, 3 analyzers
  EXPECT_THROW(make_policy(opts({}, "-0.1,0.6,0.5")), std::invalid_argument);
  EXPECT_THROW(make_policy(opts({}, "sharpness=-1")), std::invalid_argument);
  EXPECT_THROW(make_policy(opts({}, "color=0.1")), std::invalid_argument);  // not selected
  EXPECT_THROW(make_policy(opts({}, "a,b,c")), std::invalid_argument);
  EXPECT_THROW(make_policy(opts({}, "0.4,0.4,0.2x")), std::invalid_argument);
  EXPECT_THROW(make_policy(opts({}, "", "0.3,0.5")), std::invalid_argument);  // reversed
  EXPECT_THROW(make_policy(opts({}, "", "0.5")), std::invalid_argument);
  EXPECT_THROW(make_policy(opts({}, "", "0.5,0.3,0.1")), std::invalid_argument);
  EXPECT_THROW(make_policy(opts({}, "", "high,low")), std::invalid_argument);
  try {
    make_policy(opts({"sharpness", "focus"}));
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("focus"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace photoscore
