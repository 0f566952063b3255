"""Vote categories and UN regional groups, shared by every stage (no dependencies)."""

SUPPORT_ORDER = ("yes", "abstain", "absent", "no")  # a member entitled to vote, strongest first
NO_RIGHT_TO_VOTE = "no_right_to_vote"  # in arrears under Article 19 of the Charter
VOTES = (*SUPPORT_ORDER, NO_RIGHT_TO_VOTE)
CAST = ("yes", "no", "abstain")  # votes cast; absence is not one
ARTICLE19_CERTAINTIES = ("confirmed", "likely", "uncertain")  # how sure a loss of vote is
UN_GROUPS = {
    "African": "African",
    "Asia-Pacific": "Asia-Pacific",
    "Eastern European": "Eastern European",
    "Latin American and Caribbean": "Latin American and Caribbean",
    "WEOG": "Western European and Others",
    "Western European and Others": "Western European and Others",
}
UN_GROUP_NAMES = tuple(dict.fromkeys(UN_GROUPS.values()))
