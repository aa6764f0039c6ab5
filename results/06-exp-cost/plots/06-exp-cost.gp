# actbench figure "Claim 6: exp() makes sigmoid, tanh, ELU and GELU more expensive than ReLU": 3 panels
#   panel 1: "cost of f and f' per element, median of repeats"
#   panel 2: "a whole training step over relu's, SLEEF's vector maths"
#   panel 3: "a whole training step over relu's, glibc's scalar maths"
# The data is inline; the script needs nothing else.
# re-render from the run folder: gnuplot plots/06-exp-cost.gp
# (writes plots/06-exp-cost.EXT for each EXT in fmt: png;
#  others: gnuplot -e "fmt='pdf svg'" plots/06-exp-cost.gp)

set encoding utf8
set datafile missing "NaN"

# data blocks, one per series: x y [ylo yhi]; a blank line is a gap
# panel 1, "ns per element (f + f'), math=libc"
$d1 << EOD
1 0.185184479
2 0.161115646
3 1.81716156
4 14.6997452
5 9.51206779
6 14.3198929
7 15.3598423
8 1.83849812
9 13.6028996
10 9.57944012
11 27.0483131
EOD
# panel 1, "ns per element (f + f'), math=sleef"
$d2 << EOD
1 0.221687316
2 0.177219391
3 0.3923254
4 1.21417904
5 1.29457951
6 2.02878284
7 1.28934479
8 0.426442146
9 1.14769459
10 1.29608822
11 2.32400417
EOD
# panel 2, "relu"
$d3 << EOD
64 1
256 1
1024 1
EOD
# panel 2, "leaky_relu"
$d4 << EOD
64 0.987963011
256 1.00064882
1024 1.02599147
EOD
# panel 2, "sigmoid"
$d5 << EOD
64 1.06297372
256 1.01065044
1024 1.02027426
EOD
# panel 2, "tanh"
$d6 << EOD
64 1.23622991
256 1.07014394
1024 1.03998096
EOD
# panel 2, "elu"
$d7 << EOD
64 1.28855507
256 1.07672353
1024 1.02895977
EOD
# panel 2, "gelu"
$d8 << EOD
64 1.44270431
256 1.1389176
1024 1.03415762
EOD
# panel 2, "gelu_tanh"
$d9 << EOD
64 1.29592967
256 1.08043421
1024 1.01551913
EOD
# panel 2, "silu"
$d10 << EOD
64 1.06350898
256 1.01530567
1024 1.01350934
EOD
# panel 2, "softplus"
$d11 << EOD
64 1.24992344
256 1.06796083
1024 1.01571821
EOD
# panel 2, "selu"
$d12 << EOD
64 1.25815709
256 1.07907648
1024 1.03063226
EOD
# panel 2, "mish"
$d13 << EOD
64 1.52182979
256 1.144647
1024 1.04506982
EOD
# panel 3, "relu"
$d14 << EOD
64 1
256 1
1024 1
EOD
# panel 3, "leaky_relu"
$d15 << EOD
64 0.979099494
256 1.00265215
1024 0.99621814
EOD
# panel 3, "sigmoid"
$d16 << EOD
64 1.39468143
256 1.12544837
1024 1.00362651
EOD
# panel 3, "tanh"
$d17 << EOD
64 3.26239956
256 1.62229575
1024 1.11177706
EOD
# panel 3, "elu"
$d18 << EOD
64 2.66030614
256 1.52273934
1024 1.10155633
EOD
# panel 3, "gelu"
$d19 << EOD
64 1.97017429
256 1.29581877
1024 1.05113243
EOD
# panel 3, "gelu_tanh"
$d20 << EOD
64 2.80361298
256 1.53909133
1024 1.09294557
EOD
# panel 3, "silu"
$d21 << EOD
64 1.40507248
256 1.12790815
1024 1.00740218
EOD
# panel 3, "softplus"
$d22 << EOD
64 3.27703732
256 1.69514186
1024 1.13992532
EOD
# panel 3, "selu"
$d23 << EOD
64 2.84422427
256 1.57616964
1024 1.11319771
EOD
# panel 3, "mish"
$d24 << EOD
64 6.06087748
256 2.54263316
1024 1.34110709
EOD

if (!exists("fmt")) fmt = "png"
if (words(fmt) == 0) {
    print "fmt: empty (give png, pdf or svg)"
    exit status 1
}
do for [ext in fmt] {
if (ext eq "png") {
    set terminal pngcairo size 1280,1242 enhanced font "sans,10"
} else { if (ext eq "pdf") {
    set terminal pdfcairo size 13.33in,12.94in enhanced font "sans,10" fontscale 0.75 linewidth 2
} else { if (ext eq "svg") {
    set terminal svg size 1280,1242 dynamic enhanced font "sans,10"
} else {
    print "fmt: '".ext."' is not png, pdf or svg"
    exit status 1
}}}
set output 'plots/06-exp-cost.'.ext
set multiplot layout 2,2 title "Claim 6: exp() makes sigmoid, tanh, ELU and GELU more expensive than ReLU" noenhanced font ",12"

# ---- panel 1: "cost of f and f' per element, median of repeats"
set title "cost of f and f' per element, median of repeats" noenhanced
set xlabel "activation" noenhanced
set ylabel "ns per element (f + f')" noenhanced
set grid
unset label
set bmargin 11.56
set xtics rotate by 90 right noenhanced ("relu" 1, "leaky_relu" 2, "sigmoid" 3, "tanh" 4, "elu" 5, "gelu" 6, "gelu_tanh" 7, "silu" 8, "softplus" 9, "selu" 10, "mish" 11)
set xrange [0.5:11.5]
set offsets 0, 0, 0, 0
unset logscale x
set logscale y
set format y "10^{%L}"
set autoscale y
set key outside below center vertical maxrows 2 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d1 using 1:2 with points lc rgb "#1f77b4" pt 7 ps 1.2 title "ns per element (f + f'), math=libc" noenhanced, \
     $d2 using 1:2 with points lc rgb "#ff7f0e" pt 5 ps 1.2 title "ns per element (f + f'), math=sleef" noenhanced

# ---- panel 2: "a whole training step over relu's, SLEEF's vector maths"
set title "a whole training step over relu's, SLEEF's vector maths" noenhanced
set xlabel "width (units per layer)" noenhanced
set ylabel "training step time / relu's" noenhanced
set grid
unset label
set bmargin 11.56
set xtics norotate autojustify enhanced
set autoscale x
set xtics autofreq
set format x "% h"
unset logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set autoscale y
set offsets graph 0.03, graph 0.03, graph 0.04, graph 0.04
set key outside below center vertical maxrows 3 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d3 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "relu" noenhanced, \
     $d4 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "leaky_relu" noenhanced, \
     $d5 using 1:2 with linespoints lc rgb "#2ca02c" lw 1.5 dt 1 pt 9 ps 0.8 title "sigmoid" noenhanced, \
     $d6 using 1:2 with linespoints lc rgb "#d62728" lw 1.5 dt 1 pt 11 ps 0.8 title "tanh" noenhanced, \
     $d7 using 1:2 with linespoints lc rgb "#9467bd" lw 1.5 dt 1 pt 13 ps 0.8 title "elu" noenhanced, \
     $d8 using 1:2 with linespoints lc rgb "#8c564b" lw 1.5 dt 1 pt 15 ps 0.8 title "gelu" noenhanced, \
     $d9 using 1:2 with linespoints lc rgb "#e377c2" lw 1.5 dt 1 pt 7 ps 0.8 title "gelu_tanh" noenhanced, \
     $d10 using 1:2 with linespoints lc rgb "#17becf" lw 1.5 dt 1 pt 5 ps 0.8 title "silu" noenhanced, \
     $d11 using 1:2 with linespoints lc rgb "#bcbd22" lw 1.5 dt 1 pt 9 ps 0.8 title "softplus" noenhanced, \
     $d12 using 1:2 with linespoints lc rgb "#000000" lw 1.5 dt 1 pt 11 ps 0.8 title "selu" noenhanced, \
     $d13 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 4 pt 13 ps 0.8 title "mish" noenhanced

# ---- panel 3: "a whole training step over relu's, glibc's scalar maths"
set title "a whole training step over relu's, glibc's scalar maths" noenhanced
set xlabel "width (units per layer)" noenhanced
set ylabel "training step time / relu's" noenhanced
set grid
unset label
set bmargin 10.40
set xtics autofreq
set format x "% h"
unset logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set autoscale y
set offsets graph 0.03, graph 0.03, graph 0.04, graph 0.04
set key outside below center vertical maxrows 6 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d14 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "relu" noenhanced, \
     $d15 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "leaky_relu" noenhanced, \
     $d16 using 1:2 with linespoints lc rgb "#2ca02c" lw 1.5 dt 1 pt 9 ps 0.8 title "sigmoid" noenhanced, \
     $d17 using 1:2 with linespoints lc rgb "#d62728" lw 1.5 dt 1 pt 11 ps 0.8 title "tanh" noenhanced, \
     $d18 using 1:2 with linespoints lc rgb "#9467bd" lw 1.5 dt 1 pt 13 ps 0.8 title "elu" noenhanced, \
     $d19 using 1:2 with linespoints lc rgb "#8c564b" lw 1.5 dt 1 pt 15 ps 0.8 title "gelu" noenhanced, \
     $d20 using 1:2 with linespoints lc rgb "#e377c2" lw 1.5 dt 1 pt 7 ps 0.8 title "gelu_tanh" noenhanced, \
     $d21 using 1:2 with linespoints lc rgb "#17becf" lw 1.5 dt 1 pt 5 ps 0.8 title "silu (on sigmoid's line)" noenhanced, \
     $d22 using 1:2 with linespoints lc rgb "#bcbd22" lw 1.5 dt 1 pt 9 ps 0.8 title "softplus" noenhanced, \
     $d23 using 1:2 with linespoints lc rgb "#000000" lw 1.5 dt 1 pt 11 ps 0.8 title "selu" noenhanced, \
     $d24 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 4 pt 13 ps 0.8 title "mish" noenhanced

unset multiplot
unset output
}
