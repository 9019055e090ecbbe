"""What a therapist sees of a couple: scale-level scores, patterns, trends, the plan.

Built only from a grant returned by core.access.therapist_grant. Never item answers, private
entries, safety screens or anything about crisis language.
"""

from reattune.accounts.models import User

PATTERN_TITLES = {
    "perception_gap": "They see some areas quite differently",
    "pursue_withdraw": "One reaches out, the other pulls back",
    "anxious_avoidant": "One needs reassurance, the other needs space",
    "care_channel_mismatch": "Care given in a way the other does not notice",
    "mutual_avoidance": "Both keep the peace by keeping quiet",
}


def couple_summary(grant) -> dict:
    from reattune.assessments.results import checkup_done, history, insight_for
    from reattune.domain.instruments.insight import couple_insight
    from reattune.plans.models import Plan

    members = list(User.objects.filter(pk__in=grant.member_ids).order_by("pk"))
    people, insights = [], []
    for member in members:
        insight, latest = insight_for(member)
        insights.append(insight if checkup_done(latest) else None)
        trend = history(member)
        people.append(
            {
                "name": member.display_name,
                "done": checkup_done(latest),
                "view": insight.shared_view() if insight else None,
                "trend": [
                    {
                        "title": row["title"],
                        "now": row["now"],
                        "since_first": (row.get("since_first") or {}).get("verdict"),
                    }
                    for row in trend["rows"]
                ],
                "rounds": len(trend["dates"]),
            }
        )
    patterns = []
    if len(insights) == 2 and all(insights):
        couple = couple_insight(insights[0], insights[1]).to_dict()
        patterns = [PATTERN_TITLES.get(p, p.replace("_", " ")) for p in couple["patterns"]]
    plan = (
        Plan.objects.filter(space_id=grant.space_id, active=True, kind=Plan.Kind.COUPLE)
        .order_by("-created_at")
        .first()
    )
    plan_ctx = None
    if plan is not None:
        from reattune.plans.present import plan_context

        plan_ctx = plan_context(plan, grant.space.today())
    return {"people": people, "patterns": patterns, "plan": plan_ctx}
