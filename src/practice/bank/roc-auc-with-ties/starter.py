def roc_auc(scores, labels):
    """Area under the ROC curve; tied positive/negative pairs count as 1/2."""
    raise NotImplementedError
