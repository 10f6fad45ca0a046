## Weekly tips: general education for each week's focus, never a diagnosis or a dose.

tip-1 = 💡 <b>Why fermented foods?</b> Kimchi, kefir, sauerkraut, live yogurt and miso bring live microbes, enzymes and postbiotics to your gut, and a mix of kinds helps. Start with a small serving, and keep it small if fermented foods don't agree with you.
tip-2 = 💡 <b>Fiber feeds your microbes</b> Prebiotic fiber is food for the helpful microbes in your gut. Raise it slowly, because a sudden jump can cause gas and bloating while small steps give your gut time to adapt.
tip-3 = 💡 <b>Why sublingual B12?</b> It dissolves under your tongue, so it doesn't rely on absorption in your gut. The dose is the one on the product label or the one your clinician advises.
tip-4 = 💡 <b>Mix up your fiber</b> Onions, garlic, leeks, asparagus, green bananas and oats bring different fibers, and a mix can feed a wider range of microbes. With IBS or FODMAP sensitivity, go gently with onions, garlic and leeks.
tip-5 = 💡 <b>Cool your carbs</b> Cooked potatoes or rice that are then cooled form resistant starch, a prebiotic fiber your microbes can use. Chill them in the fridge soon after cooking, then enjoy them cold or reheated.
tip-6 = 💡 <b>Better together</b> Live cultures and prebiotic fiber can work as a team, because the fiber feeds the microbes. Try kefir with oats, or kimchi with cooled rice.
tip-7 = 💡 <b>Choosing a probiotic</b> Effects are strain-specific: pick strains studied for your goal, like <i>Lactobacillus rhamnosus</i> GG for the gut lining or <i>Bifidobacterium longum</i> for folate production. If pregnant, breastfeeding or under 18, ask a clinician first.
tip-8 = 💡 <b>Check the CFU promise</b> Live microbes can die off on the shelf, so look for a CFU count guaranteed at expiry, not only at manufacture. Many products don't survive stomach acid well either, so fermented foods and fiber still matter.
tip-9 = 💡 <b>Listen to your gut</b> Notice how you feel after meals and note your energy, digestion and mood in your check-ins. If something feels off, slow down, and see a clinician promptly for anything severe or that doesn't go away.
tip-10 = 💡 <b>Consistency over perfection</b> A missed day is no reason to stop: small habits kept up most days can matter more than a perfect week. Just pick up again at your next meal.
tip-11 = 💡 <b>Your gut and B vitamins</b> A balanced gut helps make B vitamins such as folate and biotin, while an imbalanced one may make less and absorb less B12. That's why this plan pairs gut habits with sublingual B12.
tip-12 = 💡 <b>Keep it going</b> Twelve weeks in, these habits can simply be part of your routine: fermented foods, varied fiber and your B12. Compare how you feel with week 1, and talk to your clinician before any big changes.
