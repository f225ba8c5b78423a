"""Drop-ins for logging code users already have: change one import and the same calls log into Runicorn.

* :mod:`runicorn.log_compat.tensorboard` -- ``torch.utils.tensorboard.SummaryWriter``
* :mod:`runicorn.log_compat.tensorboardX` -- ``tensorboardX.SummaryWriter``
* :mod:`runicorn.log_compat.torchvision` -- ``MetricLogger`` / ``SmoothedValue`` of torchvision's references
* :mod:`runicorn.log_compat.imagenet` -- ``AverageMeter`` / ``ProgressMeter`` of PyTorch's ImageNet example

None of them imports torch or tensorboard: values that are tensors are read through ``.item()`` /
``.tolist()``.
"""
